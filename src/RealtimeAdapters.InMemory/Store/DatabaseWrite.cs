namespace RealtimeAdapters.InMemory;

/// <summary>
/// One applied write, as reported by <see cref="InMemoryDatabase.ObserveWrites(RealtimePath, Action{DatabaseWrite})"/>: what was written where, with the roots
/// of the tree before and after so that an observer can read any location at either point in time.
/// </summary>
/// <param name="Kind">Whether a single value was set or several were updated.</param>
/// <param name="Path">Where the write was applied (for an update, the common location of its entries).</param>
/// <param name="Value">
/// For <see cref="DatabaseWriteKind.Set"/>, the value written, server values resolved (<see cref="DataNode.Null"/> for a
/// deletion); a priority change is reported as a set of the node with its new priority. For
/// <see cref="DatabaseWriteKind.Update"/>, the whole value at <paramref name="Path"/> after the update.
/// </param>
/// <param name="Updates">For <see cref="DatabaseWriteKind.Update"/>, each relative path and the value written there (server values resolved); otherwise <see langword="null"/>.</param>
/// <param name="OldRoot">The root of the tree before the write.</param>
/// <param name="NewRoot">The root of the tree after the write.</param>
public sealed record DatabaseWrite(
    DatabaseWriteKind Kind,
    RealtimePath Path,
    DataNode Value,
    IReadOnlyDictionary<RealtimePath, DataNode>? Updates,
    DataNode OldRoot,
    DataNode NewRoot);
