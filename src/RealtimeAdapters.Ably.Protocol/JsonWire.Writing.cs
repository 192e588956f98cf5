using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: writing protocol messages and their parts as JSON. The field lists are in WireWriting, shared with msgpack.
public static partial class JsonWire
{
    internal static void WriteProtocolMessage(Utf8JsonWriter w, ProtocolMessage m)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteProtocolMessage(ref writer, m);
    }

    internal static void WriteMessage(Utf8JsonWriter w, WireMessage m)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteMessage(ref writer, m);
    }

    internal static void WritePresence(Utf8JsonWriter w, WirePresenceMessage m)
    {
        var writer = new FieldWriter(w);
        WireWriting.WritePresence(ref writer, m);
    }

    internal static void WriteVersion(Utf8JsonWriter w, MessageVersion v)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteVersion(ref writer, v);
    }

    internal static void WriteError(Utf8JsonWriter w, ErrorInfo e)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteError(ref writer, e);
    }

    internal static void WriteConnectionDetails(Utf8JsonWriter w, ConnectionDetails d)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteConnectionDetails(ref writer, d);
    }

    internal static void WriteAuth(Utf8JsonWriter w, AuthDetails a)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteAuth(ref writer, a);
    }

    internal static void WritePublishResult(Utf8JsonWriter w, PublishResult r)
    {
        var writer = new FieldWriter(w);
        WireWriting.WritePublishResult(ref writer, r);
    }

    /// <summary>Writes a TokenRequest (TE1) as a JSON object.</summary>
    public static void WriteTokenRequest(Utf8JsonWriter w, TokenRequest t)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteTokenRequest(ref writer, t);
    }

    internal static void WriteTokenDetails(Utf8JsonWriter w, TokenDetails t)
    {
        var writer = new FieldWriter(w);
        WireWriting.WriteTokenDetails(ref writer, t);
    }

    private static void WriteStringMap(Utf8JsonWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.WriteStartObject();
        foreach (var (key, value) in map)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteIf(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void WriteIf(Utf8JsonWriter w, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    // ---------------------------------------------------------------- readers
    // Each reader starts on the value's first token and ends on its last.
}
