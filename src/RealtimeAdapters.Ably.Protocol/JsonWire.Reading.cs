using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: reading protocol messages and their parts from JSON. The field lists are in WireReading, shared with msgpack.
public static partial class JsonWire
{
    internal static ProtocolMessage ReadProtocolMessage(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadProtocolMessage(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static WireMessage ReadMessage(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadMessage(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static WirePresenceMessage ReadPresence(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadPresence(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static ErrorInfo ReadError(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadError(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static ConnectionDetails ReadConnectionDetails(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadConnectionDetails(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static PublishResult ReadPublishResult(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadPublishResult(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static TokenRequest ReadTokenRequest(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadTokenRequest(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static TokenDetails ReadTokenDetails(ref Utf8JsonReader r)
    {
        var reader = new FieldReader(r);
        var value = WireReading.ReadTokenDetails(ref reader);
        r = reader.Reader;
        return value;
    }

    // ---------------------------------------------------------------- helpers

    internal delegate T ReadFunc<T>(ref Utf8JsonReader reader);
}
