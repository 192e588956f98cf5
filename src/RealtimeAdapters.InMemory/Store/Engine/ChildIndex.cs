using System.Collections.Immutable;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// The children of one watched location that lie in a query's range, sorted in the query's order, as an immutable
/// order-statistics tree: rank lookups (<see cref="ImmutableSortedSet{T}.IndexOf"/>, the indexer) cost O(log n), so a
/// live limit window is recomputed from ranks without re-sorting. Shared by every watch at the location with the same
/// order and range; it always reflects the database's current root, and during the notification of a write
/// <see cref="Previous"/> holds the state before it.
/// </summary>
internal sealed class ChildIndex
{
    public ChildIndex(IndexKey key, DataNode node)
    {
        Key = key;
        Order = key.OrderBy switch
        {
            QueryOrderBy.Key => ChildOrder.ByKey,
            QueryOrderBy.Value => ChildOrder.ByValue,
            QueryOrderBy.Priority => ChildOrder.ByPriority,
            QueryOrderBy.Child => ChildOrder.ByChild(key.ChildPath!),
            _ => ChildOrder.Default,
        };
        Comparer = new IndexEntryComparer(Order);
        Current = Build(node);
        Previous = Current;
    }

    public IndexKey Key { get; }

    public ChildOrder Order { get; }

    public IndexEntryComparer Comparer { get; }

    /// <summary>The in-range children now.</summary>
    public ImmutableSortedSet<IndexEntry> Current { get; private set; }

    /// <summary>The in-range children before the write being notified.</summary>
    public ImmutableSortedSet<IndexEntry> Previous { get; private set; }

    /// <summary>How many watches use this index.</summary>
    public int Users { get; set; }

    public IndexEntry Entry(string key, DataNode child) => Comparer.Entry(key, child);

    public bool InRange(string key, DataNode child) =>
        (Key.Start is not { } start || Order.CompareToBound(key, child, start, isStart: true) >= 0) &&
        (Key.End is not { } end || Order.CompareToBound(key, child, end, isStart: false) <= 0);

    /// <summary>Whether the child's position-determining value differs between two versions of it.</summary>
    public bool SortValueChanged(DataNode oldChild, DataNode newChild) =>
        Order.OrderBy != QueryOrderBy.Key && Order.CompareIndexValues(Order.IndexValue(oldChild), Order.IndexValue(newChild)) != 0;

    /// <summary>
    /// Moves the index to the location's new value, touching only the changed children whose place changed (a child
    /// entering or leaving the range, or a new sort value): O(k log n), and nothing for a change that keeps every place.
    /// </summary>
    public void Advance(DataNode newNode, List<ChildChange> changes)
    {
        Previous = Current;
        if (newNode.ChildCount == 0)
        {
            Current = Current.Clear();
            return;
        }

        if (Current.Count == 0 || changes.Count > Current.Count)
        {
            Current = Build(newNode);
            return;
        }

        var set = Current;
        foreach (var change in changes)
        {
            var wasIn = !change.Old.IsNull && InRange(change.Key, change.Old);
            var isIn = !change.New.IsNull && InRange(change.Key, change.New);
            if (wasIn && isIn)
            {
                var before = Entry(change.Key, change.Old);
                var after = Entry(change.Key, change.New);
                if (Comparer.Compare(before, after) != 0)
                {
                    set = set.Remove(before).Add(after);
                }
            }
            else if (wasIn)
            {
                set = set.Remove(Entry(change.Key, change.Old));
            }
            else if (isIn)
            {
                set = set.Add(Entry(change.Key, change.New));
            }
        }

        Current = set;
    }

    /// <summary>Drops the reference to the state before the last write once every watch has seen it.</summary>
    public void Settle() => Previous = Current;

    private ImmutableSortedSet<IndexEntry> Build(DataNode node)
    {
        var builder = ImmutableSortedSet.CreateBuilder(Comparer);
        foreach (var (key, child) in node.EnumerateChildren())
        {
            if (InRange(key, child))
            {
                builder.Add(Entry(key, child));
            }
        }

        return builder.ToImmutable();
    }
}
