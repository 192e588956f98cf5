namespace RealtimeAdapters;

/// <summary>
/// What a provider supports. A provider reports exactly what it does: an unsupported call throws
/// <see cref="RealtimeNotSupportedException"/> naming the capability, never a silent no-op.
/// </summary>
[Flags]
public enum RealtimeCapabilities
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>The JSON tree store (<see cref="IRealtimeStore"/>): get, set, update, push, remove and watches.</summary>
    Store = 1 << 0,

    /// <summary>Store queries: ordering, ranges and limits, with live windows.</summary>
    Queries = 1 << 1,

    /// <summary>Store transactions (compare-and-set with retry).</summary>
    Transactions = 1 << 2,

    /// <summary>Server values: timestamp and increment.</summary>
    ServerValues = 1 << 3,

    /// <summary>Priorities on nodes and ordering by priority.</summary>
    Priorities = 1 << 4,

    /// <summary>Pub/sub channels (<see cref="IChannelClient"/>): publish and subscribe.</summary>
    Channels = 1 << 5,

    /// <summary>Channel message history with paging.</summary>
    History = 1 << 6,

    /// <summary>Channel presence: enter, update, leave, get, subscribe.</summary>
    Presence = 1 << 7,

    /// <summary>Suppressing delivery of a client's own publishes back to it.</summary>
    EchoSuppression = 1 << 8,

    /// <summary>
    /// Writes the backend performs when this client's connection is lost (Firebase's <c>onDisconnect</c>):
    /// <see cref="IRealtimeStore.OnDisconnectAsync"/>. The primitive of presence ("remove me when I drop").
    /// </summary>
    OnDisconnect = 1 << 9,
}
