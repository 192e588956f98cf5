using System.Text;

namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// The size of object messages as Ably counts them against maxMessageSize (OM3): keys and values of the operation or
/// state (strings as UTF-8 bytes, numbers 8, booleans 1, bytes their length, JSON its text), plus client id and extras.
/// </summary>
public static class ObjectMessageSize
{
    /// <summary>The total of several messages (the limit applies to one publish).</summary>
    public static long Of(IEnumerable<ObjectMessage> messages)
    {
        long total = 0;
        foreach (var m in messages)
        {
            total += Of(m);
        }

        return total;
    }

    /// <summary>The size of one message: its operation or state, client id and extras.</summary>
    public static long Of(ObjectMessage m) =>
        (m.Operation is { } op ? Of(op) : 0) + (m.Object is { } state ? Of(state) : 0) +
        Utf8(m.ClientId) + (m.Extras is { } extras ? Encoding.UTF8.GetByteCount(extras.GetRawText()) : 0);

    /// <summary>The size of an operation's payload.</summary>
    public static long Of(ObjectOperation op) =>
        (op.MapCreate is { } create ? Of(create) : 0) +
        (op.MapCreateWithObjectId is { } mc ? Utf8(mc.InitialValue) : 0) +
        (op.CounterCreateWithObjectId is { } cc ? Utf8(cc.InitialValue) : 0) +
        (op.MapSetKey is { } key ? Utf8(key) + (op.MapSetValue is { } value ? Of(value) : 0) : 0) +
        (op.MapRemoveKey is { } removed ? Utf8(removed) : 0) +
        (op.CounterCreateCount is not null ? 8 : 0) + (op.CounterIncNumber is not null ? 8 : 0);

    /// <summary>The size of an object state.</summary>
    public static long Of(ObjectState state) =>
        (state.Map is { } map ? Of(map) : 0) + (state.Counter is not null ? 8 : 0) + (state.CreateOp is { } create ? Of(create) : 0);

    /// <summary>The size of a map: its keys and values.</summary>
    public static long Of(ObjectsMap map)
    {
        long total = 0;
        foreach (var (key, entry) in map.Entries)
        {
            total += Utf8(key) + (entry.Data is { } data ? Of(data) : 0);
        }

        return total;
    }

    /// <summary>The size of a value.</summary>
    public static long Of(ObjectData data) =>
        Utf8(data.String) + Utf8(data.Json) + (data.Number is not null ? 8 : 0) + (data.Boolean is not null ? 1 : 0) +
        (data.Bytes is { } bytes ? bytes.Length * 3L / 4 : 0);

    private static long Utf8(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);
}
