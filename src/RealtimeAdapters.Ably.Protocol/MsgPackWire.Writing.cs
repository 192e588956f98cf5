using System.Text.Json;
using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: writing protocol messages and their parts as msgpack. The field lists are in WireWriting, shared with JSON.
public static partial class MsgPackWire
{
    internal static void WriteProtocolMessage(ref MessagePackWriter w, ProtocolMessage m) => Write(ref w, m, WireWriting.WriteProtocolMessage);

    internal static void WriteMessage(ref MessagePackWriter w, WireMessage m) => Write(ref w, m, WireWriting.WriteMessage);

    internal static void WritePresence(ref MessagePackWriter w, WirePresenceMessage m) => Write(ref w, m, WireWriting.WritePresence);

    internal static void WriteError(ref MessagePackWriter w, ErrorInfo e) => Write(ref w, e, WireWriting.WriteError);

    internal static void WriteConnectionDetails(ref MessagePackWriter w, ConnectionDetails d) => Write(ref w, d, WireWriting.WriteConnectionDetails);

    internal static void WritePublishResult(ref MessagePackWriter w, PublishResult r) => Write(ref w, r, WireWriting.WritePublishResult);

    /// <summary>Writes a TokenRequest (TE1) as a msgpack map.</summary>
    public static void WriteTokenRequest(ref MessagePackWriter w, TokenRequest t) => Write(ref w, t, WireWriting.WriteTokenRequest);

    internal static void WriteTokenDetails(ref MessagePackWriter w, TokenDetails t) => Write(ref w, t, WireWriting.WriteTokenDetails);

    /// <summary>Writes with a shared field list (<see cref="WireWriting"/>) to this format's writer.</summary>
    private static void Write<T>(ref MessagePackWriter w, T value, WireValueWriter<FieldWriter, T> write)
    {
        var writer = new FieldWriter(w);
        write(ref writer, value);
        w = writer.Writer;
    }

    /// <summary>msgpack carries binary natively (RSL4c): base64 of binary from a JSON peer goes as bin (see <see cref="PayloadEncoder.Transcode"/>).</summary>
    private static (WireData Data, string? Encoding) ForMsgPack(WireData data, string? encoding) =>
        PayloadEncoder.Transcode(data, encoding, WireFormat.MsgPack);

    private static void WriteData(ref MessagePackWriter w, WireData data)
    {
        switch (data.Kind)
        {
            case WireDataKind.String:
                Key(ref w, "data"u8);
                w.Write(data.AsString());
                break;
            case WireDataKind.Binary:
                Key(ref w, "data"u8);
                w.Write(data.AsBytes().AsSpan());
                break;
            case WireDataKind.Json:
                Key(ref w, "data"u8);
                WriteJson(ref w, data.AsJson());
                break;
        }
    }

    /// <summary>Writes a JSON value as the equivalent msgpack value (objects as maps, integers as ints).</summary>
    internal static void WriteJson(ref MessagePackWriter w, JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteMapHeader(e.GetPropertyCount());
                foreach (var property in e.EnumerateObject())
                {
                    w.Write(property.Name);
                    WriteJson(ref w, property.Value);
                }

                break;
            case JsonValueKind.Array:
                w.WriteArrayHeader(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    WriteJson(ref w, item);
                }

                break;
            case JsonValueKind.String:
                w.Write(e.GetString());
                break;
            case JsonValueKind.Number:
                if (e.TryGetInt64(out var l))
                {
                    w.Write(l);
                }
                else if (e.TryGetUInt64(out var ul))
                {
                    w.Write(ul);
                }
                else
                {
                    w.Write(e.GetDouble());
                }

                break;
            case JsonValueKind.True:
                w.Write(true);
                break;
            case JsonValueKind.False:
                w.Write(false);
                break;
            default:
                w.WriteNil();
                break;
        }
    }

    /// <summary>
    /// Writes an object message from its JSON shape: as <see cref="WriteJson"/>, except that an object data's
    /// <c>bytes</c> (base64 in JSON) is written as bin, as msgpack carries it (OD4c2).
    /// </summary>
    private static void WriteObjectJson(ref MessagePackWriter w, JsonElement e, bool bytesField)
    {
        if (bytesField && e.ValueKind == JsonValueKind.String)
        {
            w.Write(Convert.FromBase64String(e.GetString()!));
            return;
        }

        if (e.ValueKind == JsonValueKind.Object)
        {
            w.WriteMapHeader(e.GetPropertyCount());
            foreach (var property in e.EnumerateObject())
            {
                w.Write(property.Name);
                WriteObjectJson(ref w, property.Value, property.NameEquals("bytes"u8));
            }

            return;
        }

        WriteJson(ref w, e);
    }

    private static void WriteStringMap(ref MessagePackWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteMapHeader(map.Count);
        foreach (var (key, value) in map)
        {
            w.Write(key);
            w.Write(value);
        }
    }

    private static void Key(ref MessagePackWriter w, ReadOnlySpan<byte> utf8) => w.WriteString(utf8);

    private static void WriteIf(ref MessagePackWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            Key(ref w, name);
            w.Write(value);
        }
    }

    private static void WriteIf(ref MessagePackWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            Key(ref w, name);
            w.Write(v);
        }
    }

    private static void WriteIf(ref MessagePackWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v)
        {
            Key(ref w, name);
            w.Write(v);
        }
    }

    // ---------------------------------------------------------------- readers

    internal delegate T ReadFunc<T>(ref MessagePackReader reader, int depth);
}
