using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// Packs a retained <see cref="ChannelMessage"/>: its strings as UTF-8, its timestamp, and a string or JSON payload (JSON
/// as its raw text). Messages with binary payloads or extras are kept as objects: their arrays and elements are returned
/// as they were published (the emulator, for one, recognises an undecodable payload's array when it replays it).
/// </summary>
internal sealed class ChannelMessagePacker : IHistoryPacker<ChannelMessage>
{
    public static readonly ChannelMessagePacker Instance = new();

    // Strict, so that a string that is not well-formed UTF-16 (a lone surrogate) is kept as it is rather than packed
    // into something that would not read back equal.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Which optional parts follow, in this order.
    [Flags]
    private enum Parts : byte
    {
        None = 0,
        Id = 1,
        Name = 2,
        ClientId = 4,
        ConnectionId = 8,
        Serial = 16,
        Timestamp = 32,
    }

    public int MaxSize(ChannelMessage item)
    {
        if (item.Extras is not null || item.Data.Kind == MessageDataKind.Binary)
        {
            return -1;
        }

        // Parts, the payload's kind, then each present string as a length and at most three bytes per UTF-16 unit (no
        // counting pass: Pack reports what it wrote).
        var size = 2 + Text(item.Id) + Text(item.Name) + Text(item.ClientId) + Text(item.ConnectionId) + Text(item.Serial);
        if (item.Timestamp is not null)
        {
            size += sizeof(long) + sizeof(short);
        }

        size += item.Data.Kind switch
        {
            MessageDataKind.String => Text(item.Data.AsString()),
            MessageDataKind.Json => sizeof(int) + JsonMarshal.GetRawUtf8Value(item.Data.AsJson()).Length,
            _ => 0,
        };
        return size;
    }

    public int Pack(ChannelMessage item, Span<byte> destination)
    {
        try
        {
            return PackChecked(item, destination);
        }
        catch (EncoderFallbackException)
        {
            // A string that is not well-formed UTF-16 (a lone surrogate) would not read back equal.
            return -1;
        }
    }

    private static int PackChecked(ChannelMessage item, Span<byte> destination)
    {
        var parts = Parts.None;
        parts |= item.Id is null ? 0 : Parts.Id;
        parts |= item.Name is null ? 0 : Parts.Name;
        parts |= item.ClientId is null ? 0 : Parts.ClientId;
        parts |= item.ConnectionId is null ? 0 : Parts.ConnectionId;
        parts |= item.Serial is null ? 0 : Parts.Serial;
        parts |= item.Timestamp is null ? 0 : Parts.Timestamp;
        destination[0] = (byte)parts;
        destination[1] = (byte)item.Data.Kind;
        var at = 2;
        at = Write(destination, at, item.Id);
        at = Write(destination, at, item.Name);
        at = Write(destination, at, item.ClientId);
        at = Write(destination, at, item.ConnectionId);
        at = Write(destination, at, item.Serial);
        if (item.Timestamp is { } timestamp)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[at..], timestamp.UtcTicks);
            BinaryPrimitives.WriteInt16LittleEndian(destination[(at + sizeof(long))..], (short)timestamp.TotalOffsetMinutes);
            at += sizeof(long) + sizeof(short);
        }

        switch (item.Data.Kind)
        {
            case MessageDataKind.String:
                return Write(destination, at, item.Data.AsString());
            case MessageDataKind.Json:
                var raw = JsonMarshal.GetRawUtf8Value(item.Data.AsJson());
                BinaryPrimitives.WriteInt32LittleEndian(destination[at..], raw.Length);
                raw.CopyTo(destination[(at + sizeof(int))..]);
                return at + sizeof(int) + raw.Length;
            default:
                return at;
        }
    }

    public ChannelMessage Unpack(ReadOnlySpan<byte> source)
    {
        var parts = (Parts)source[0];
        var kind = (MessageDataKind)source[1];
        var at = 2;
        var id = Read(source, ref at, parts, Parts.Id);
        var name = Read(source, ref at, parts, Parts.Name);
        var clientId = Read(source, ref at, parts, Parts.ClientId);
        var connectionId = Read(source, ref at, parts, Parts.ConnectionId);
        var serial = Read(source, ref at, parts, Parts.Serial);
        DateTimeOffset? timestamp = null;
        if ((parts & Parts.Timestamp) != 0)
        {
            var utcTicks = BinaryPrimitives.ReadInt64LittleEndian(source[at..]);
            var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(source[(at + sizeof(long))..]));
            timestamp = new DateTimeOffset(utcTicks + offset.Ticks, offset);
            at += sizeof(long) + sizeof(short);
        }

        var data = kind switch
        {
            MessageDataKind.String => MessageData.FromString(Utf8.GetString(Field(source, ref at))),
            MessageDataKind.Json => ReadJson(Field(source, ref at)),
            _ => MessageData.None,
        };
        return new ChannelMessage
        {
            Id = id,
            Name = name,
            Data = data,
            ClientId = clientId,
            ConnectionId = connectionId,
            Timestamp = timestamp,
            Serial = serial,
        };
    }

    private static int Text(string? value) => value is null ? 0 : sizeof(int) + (3 * value.Length);

    private static int Write(Span<byte> destination, int at, string? value)
    {
        if (value is null)
        {
            return at;
        }

        var length = Utf8.GetBytes(value, destination[(at + sizeof(int))..]);
        BinaryPrimitives.WriteInt32LittleEndian(destination[at..], length);
        return at + sizeof(int) + length;
    }

    private static string? Read(ReadOnlySpan<byte> source, ref int at, Parts parts, Parts part) =>
        (parts & part) == 0 ? null : Utf8.GetString(Field(source, ref at));

    // A length-prefixed field (a string's UTF-8 bytes or a JSON payload's raw text), moving past it.
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> source, ref int at)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(source[at..]);
        var field = source.Slice(at + sizeof(int), length);
        at += sizeof(int) + length;
        return field;
    }

    private static MessageData ReadJson(ReadOnlySpan<byte> raw)
    {
        var reader = new Utf8JsonReader(raw);
        return MessageData.FromJson(JsonElement.ParseValue(ref reader));
    }
}
