using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: writing protocol messages and their parts as JSON. The field lists are in WireWriting, shared with msgpack.
public static partial class JsonWire
{
    internal static void WriteProtocolMessage(Utf8JsonWriter w, ProtocolMessage m) => Write(w, m, WireWriting.WriteProtocolMessage);

    internal static void WriteMessage(Utf8JsonWriter w, WireMessage m) => Write(w, m, WireWriting.WriteMessage);

    internal static void WritePresence(Utf8JsonWriter w, WirePresenceMessage m) => Write(w, m, WireWriting.WritePresence);

    internal static void WriteError(Utf8JsonWriter w, ErrorInfo e) => Write(w, e, WireWriting.WriteError);

    internal static void WriteConnectionDetails(Utf8JsonWriter w, ConnectionDetails d) => Write(w, d, WireWriting.WriteConnectionDetails);

    internal static void WritePublishResult(Utf8JsonWriter w, PublishResult r) => Write(w, r, WireWriting.WritePublishResult);

    /// <summary>Writes a TokenRequest (TE1) as a JSON object.</summary>
    public static void WriteTokenRequest(Utf8JsonWriter w, TokenRequest t) => Write(w, t, WireWriting.WriteTokenRequest);

    internal static void WriteTokenDetails(Utf8JsonWriter w, TokenDetails t) => Write(w, t, WireWriting.WriteTokenDetails);

    /// <summary>Writes with a shared field list (<see cref="WireWriting"/>) to this format's writer.</summary>
    private static void Write<T>(Utf8JsonWriter w, T value, WireValueWriter<FieldWriter, T> write)
    {
        var writer = new FieldWriter(w);
        write(ref writer, value);
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
