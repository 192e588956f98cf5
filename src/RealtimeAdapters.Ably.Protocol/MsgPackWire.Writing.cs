using System.Text.Json;
using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: writing protocol messages and their parts as msgpack. The field lists are in WireWriting, shared with JSON.
public static partial class MsgPackWire
{
    internal static void WriteProtocolMessage(ref MessagePackWriter w, ProtocolMessage m)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteProtocolMessage(ref writer, m);
        w = writer.Writer;
    }

    internal static void WriteMessage(ref MessagePackWriter w, WireMessage m)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteMessage(ref writer, m);
        w = writer.Writer;
    }

    internal static void WritePresence(ref MessagePackWriter w, WirePresenceMessage m)
    {
        var writer = new FieldWriter(w);
        WireWriting.WritePresence(ref writer, m);
        w = writer.Writer;
    }

    internal static void WriteVersion(ref MessagePackWriter w, MessageVersion v)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteVersion(ref writer, v);
        w = writer.Writer;
    }

    internal static void WriteError(ref MessagePackWriter w, ErrorInfo e)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteError(ref writer, e);
        w = writer.Writer;
    }

    internal static void WriteConnectionDetails(ref MessagePackWriter w, ConnectionDetails d)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteConnectionDetails(ref writer, d);
        w = writer.Writer;
    }

    internal static void WriteAuth(ref MessagePackWriter w, AuthDetails a)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteAuth(ref writer, a);
        w = writer.Writer;
    }

    internal static void WritePublishResult(ref MessagePackWriter w, PublishResult r)
    {
        var writer = new FieldWriter(w);
        WireWriting.WritePublishResult(ref writer, r);
        w = writer.Writer;
    }

    /// <summary>Writes a TokenRequest (TE1) as a msgpack map.</summary>
    public static void WriteTokenRequest(ref MessagePackWriter w, TokenRequest t)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteTokenRequest(ref writer, t);
        w = writer.Writer;
    }

    internal static void WriteTokenDetails(ref MessagePackWriter w, TokenDetails t)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteTokenDetails(ref writer, t);
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
