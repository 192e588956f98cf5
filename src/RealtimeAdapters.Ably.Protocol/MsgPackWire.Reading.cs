using MessagePack;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Protocol;

// MsgPackWire: reading protocol messages and their parts from msgpack. The field lists are in WireReading, shared with JSON.
public static partial class MsgPackWire
{
    internal static ProtocolMessage ReadProtocolMessage(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadProtocolMessage(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static WireMessage ReadMessage(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadMessage(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static WirePresenceMessage ReadPresence(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadPresence(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static ErrorInfo ReadError(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadError(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static ConnectionDetails ReadConnectionDetails(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadConnectionDetails(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static PublishResult ReadPublishResult(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadPublishResult(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static TokenRequest ReadTokenRequest(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadTokenRequest(ref reader);
        r = reader.Reader;
        return value;
    }

    internal static TokenDetails ReadTokenDetails(ref MessagePackReader r, int depth)
    {
        var reader = new FieldReader(r, depth);
        var value = WireReading.ReadTokenDetails(ref reader);
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
