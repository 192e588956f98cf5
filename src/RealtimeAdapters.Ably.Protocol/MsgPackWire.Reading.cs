using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: reading protocol messages and their parts from msgpack. The field lists are in WireReading, shared with JSON.
public static partial class MsgPackWire
{
    internal static ProtocolMessage ReadProtocolMessage(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadProtocolMessage);

    internal static WireMessage ReadMessage(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadMessage);

    internal static WirePresenceMessage ReadPresence(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadPresence);

    internal static ErrorInfo ReadError(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadError);

    internal static ConnectionDetails ReadConnectionDetails(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadConnectionDetails);

    internal static PublishResult ReadPublishResult(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadPublishResult);

    internal static TokenRequest ReadTokenRequest(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadTokenRequest);

    internal static TokenDetails ReadTokenDetails(ref MessagePackReader r, int depth) => Read(ref r, depth, WireReading.ReadTokenDetails);

    /// <summary>Reads with a shared field list (<see cref="WireReading"/>) from this format's reader.</summary>
    private static T Read<T>(ref MessagePackReader r, int depth, WireItemReader<FieldReader, T> read)
    {
        var reader = new FieldReader(r, depth);
        var value = read(ref reader);
        r = reader.Reader;
        return value;
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>One map or an array of them (REST accepts both forms of a publish body).</summary>
    internal static List<T> ReadOneOrMany<T>(ref MessagePackReader r, string what, int depth, ReadFunc<T> read) where T : class
    {
        if (r.NextMessagePackType == MessagePackType.Map)
        {
            return [read(ref r, depth)];
        }

        return ReadArray(ref r, what, depth, read) ?? throw Malformed($"The {what} must be a map or an array, not nil.");
    }

    internal static List<T>? ReadArray<T>(ref MessagePackReader r, string field, int depth, ReadFunc<T> read)
    {
        if (r.TryReadNil())
        {
            return null;
        }

        CheckDepth(depth);
        if (r.NextMessagePackType != MessagePackType.Array)
        {
            throw WrongType(field, "an array", r.NextMessagePackType);
        }

        var count = r.ReadArrayHeader();

        // The header's count is untrusted: grow as items actually arrive.
        var list = new List<T>(Math.Min(count, 64));
        for (var i = 0; i < count; i++)
        {
            list.Add(read(ref r, depth + 1));
        }

        return list;
    }
}
