namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>One write's effect on a query window: the window now, and the children that changed in it (in event order; left ones as <see cref="DataNode.Null"/>).</summary>
/// <param name="Window">The query's result after the write.</param>
/// <param name="Changes">The children that entered, changed or left the window.</param>
/// <param name="IsInitial">Whether this is the window at registration (every child reported as entering).</param>
internal readonly record struct QueryWindowBatch(DataNode Window, IReadOnlyList<KeyValuePair<string, DataNode>> Changes, bool IsInitial);
