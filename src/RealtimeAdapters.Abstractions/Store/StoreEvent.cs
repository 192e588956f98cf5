namespace RealtimeAdapters;

/// <summary>An event from a store watch.</summary>
/// <param name="Kind">What happened (a single flag).</param>
/// <param name="Snapshot">For <see cref="StoreEventKind.Value"/>, the watched location or query; for child events, the child (for removals, its last value).</param>
/// <param name="PreviousChildKey">For added, changed and moved children, the key of the sibling before it in query order, or <see langword="null"/> when it is first.</param>
public sealed record StoreEvent(StoreEventKind Kind, DataSnapshot Snapshot, string? PreviousChildKey = null)
{
    /// <summary>
    /// Whether the event shows local writes the backend has not confirmed yet (latency compensation). A later event
    /// with <see langword="false"/> confirms them, or rolls them back if the backend refused the write. Providers without
    /// latency compensation always report <see langword="false"/>.
    /// </summary>
    public bool IsPending { get; init; }
}
