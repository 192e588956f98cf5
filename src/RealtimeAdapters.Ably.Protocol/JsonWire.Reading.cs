using System.Text.Json;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// JsonWire: reading protocol messages and their parts from JSON. The field lists are in WireReading, shared with msgpack.
public static partial class JsonWire
{
    internal static ProtocolMessage ReadProtocolMessage(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadProtocolMessage);

    internal static WireMessage ReadMessage(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadMessage);

    internal static WirePresenceMessage ReadPresence(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadPresence);

    internal static ErrorInfo ReadError(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadError);

    internal static ConnectionDetails ReadConnectionDetails(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadConnectionDetails);

    internal static PublishResult ReadPublishResult(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadPublishResult);

    internal static TokenRequest ReadTokenRequest(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadTokenRequest);

    internal static TokenDetails ReadTokenDetails(ref Utf8JsonReader r) => Read(ref r, WireReading.ReadTokenDetails);

    /// <summary>Reads with a shared field list (<see cref="WireReading"/>) from this format's reader.</summary>
    private static T Read<T>(ref Utf8JsonReader r, WireItemReader<FieldReader, T> read)
    {
        var reader = new FieldReader(r);
        var value = read(ref reader);
        r = reader.Reader;
        return value;
    }

    // ---------------------------------------------------------------- helpers

    internal delegate T ReadFunc<T>(ref Utf8JsonReader reader);
}
