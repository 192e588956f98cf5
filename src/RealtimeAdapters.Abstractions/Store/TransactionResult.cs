namespace RealtimeAdapters;

/// <summary>The outcome of a transaction.</summary>
/// <param name="Committed">Whether the new value was written (false when the update aborted).</param>
/// <param name="Snapshot">The value at the location afterwards (for an abort, the value the update last saw).</param>
/// <param name="Attempts">How many times the update function ran.</param>
public sealed record TransactionResult(bool Committed, DataSnapshot Snapshot, int Attempts);
