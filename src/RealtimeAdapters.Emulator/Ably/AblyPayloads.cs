using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// Wire ↔ hub conversions that keep payloads the emulator cannot decode (encrypted ones: <c>cipher+aes-…</c>) intact:
/// the undecoded bytes are stored as binary data and their remaining <c>encoding</c> is remembered beside the payload
/// array (which the hub keeps by reference), so subscribers get the ciphertext with its encoding, as from the service.
/// </summary>
internal static class AblyPayloads
{
    private static readonly ConditionalWeakTable<byte[], string> Remaining = [];

    public static ChannelMessage FromWire(WireMessage message)
    {
        var decoded = PayloadEncoder.Decode(message.Data, message.Encoding);
        var result = MessageMapper.FromWire(message with { Data = WireData.None, Encoding = null, ConnectionKey = null });
        return result with { Data = Remember(decoded) };
    }

    public static PresenceMessage FromWire(WirePresenceMessage message)
    {
        var decoded = PayloadEncoder.Decode(message.Data, message.Encoding);
        var result = MessageMapper.FromWire(message with { Data = WireData.None, Encoding = null });
        return result with { Data = Remember(decoded) };
    }

    public static WireMessage ToWire(ChannelMessage message, WireFormat format)
    {
        var wire = MessageMapper.ToWire(message, format);
        return Restore(message.Data, format) is { } restored ? wire with { Data = restored.Data, Encoding = restored.Encoding } : wire;
    }

    public static WirePresenceMessage ToWire(PresenceMessage message, WireFormat format)
    {
        var wire = MessageMapper.ToWire(message, format);
        return Restore(message.Data, format) is { } restored ? wire with { Data = restored.Data, Encoding = restored.Encoding } : wire;
    }

    private static MessageData Remember(PayloadDecodeResult decoded)
    {
        if (decoded.RemainingEncoding is not { Length: > 0 } remaining)
        {
            return decoded.Data;
        }

        // Kept as bytes with the steps left; strings are carried as their UTF-8 bytes (a 'utf-8' step is implied).
        var data = decoded.Data;
        if (data.Kind == MessageDataKind.String)
        {
            data = MessageData.FromBytes(System.Text.Encoding.UTF8.GetBytes(data.AsString()));
            remaining += "/utf-8";
        }

        if (data.Kind == MessageDataKind.Binary && MemoryMarshal.TryGetArray(data.AsBytes(), out var segment) && segment.Array is { } array)
        {
            Remaining.AddOrUpdate(array, remaining);
        }

        return data;
    }

    private static (WireData Data, string? Encoding)? Restore(MessageData data, WireFormat format)
    {
        if (data.Kind != MessageDataKind.Binary || !MemoryMarshal.TryGetArray(data.AsBytes(), out var segment) ||
            segment.Array is not { } array || !Remaining.TryGetValue(array, out var remaining))
        {
            return null;
        }

        var bytes = data.AsBytes().ToArray();
        return format == WireFormat.Json
            ? (WireData.FromString(Convert.ToBase64String(bytes)), remaining + "/base64")
            : (WireData.FromBytes(bytes), remaining);
    }
}
