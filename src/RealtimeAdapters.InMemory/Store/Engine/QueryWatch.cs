using System.Collections.Immutable;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// One subscriber's watch of a location or query. Turns each write that changed the location into the Firebase event
/// batch (removed, added, moved, changed, then one value) and hands it to its sink (a subscriber's own buffer, or a
/// synchronous observer) without waiting.
/// A ranged or limited query is a live window over its <see cref="ChildIndex"/>: membership and previous keys come from
/// ranks, so a write changing k children costs O(k log n) however many children the location has.
/// </summary>
internal sealed class QueryWatch
{
    private readonly StoreEventKind _events;
    private readonly bool _filtered;
    private readonly int? _limitToFirst;
    private readonly int? _limitToLast;
    private readonly Func<StoreEvent, bool> _sink;

    // For a filtered query: the selected children (no priority) as of the last event batch.
    private DataNode _window = DataNode.Null;

    public QueryWatch(
        ListenerNode node,
        RealtimeQuery query,
        StoreEventKind events,
        Func<StoreEvent, bool> sink,
        ChildIndex? index,
        Action<QueryWatch>? onRemoved)
    {
        Node = node;
        Query = query;
        Order = index?.Order ?? query.Order;
        _events = events;
        _filtered = query.HasFilter;
        _limitToFirst = query.LimitToFirst;
        _limitToLast = query.LimitToLast;
        _sink = sink;
        Index = index;
        OnRemoved = onRemoved;
    }

    public ListenerNode Node { get; }

    public RealtimeQuery Query { get; }

    public ChildOrder Order { get; }

    /// <summary>The subscriber's stream when the watch feeds one (<see cref="InMemoryDatabase.Watch"/>); null for an observer.</summary>
    public RealtimeSubscription<StoreEvent>? Subscription { get; init; }

    public ChildIndex? Index { get; }

    public Action<QueryWatch>? OnRemoved { get; }

    /// <summary>False once the subscriber's stream has ended (disposed, overflowed, closed): the watch is then removed.</summary>
    public bool IsActive { get; private set; } = true;

    public bool Removed { get; set; }

    /// <summary>The number of the last write before this watch was registered; later writes are notified to it.</summary>
    public long Since { get; set; }

    /// <summary>The state at subscription: a child-added per selected child in query order, then one value event.</summary>
    public void SendInitial(DataNode value)
    {
        if (Index is null)
        {
            Emit(StoreEventKind.Value, new DataSnapshot(Query.Path, value, Order));
            return;
        }

        var set = Index.Current;
        var (lo, hi) = Bounds(set.Count);
        var selected = new List<KeyValuePair<string, DataNode>>(hi - lo);
        if (lo == 0 && hi == set.Count)
        {
            SelectAll(set, value, selected);
        }
        else
        {
            for (var i = lo; i < hi; i++)
            {
                var key = set[i].Key;
                selected.Add(new(key, value.GetChild(key)));
            }
        }

        string? previous = null;
        foreach (var (key, child) in selected)
        {
            EmitChild(StoreEventKind.ChildAdded, key, child, previous);
            previous = key;
        }

        if (_filtered)
        {
            _window = DataNode.FromChildren(selected);
        }

        Emit(StoreEventKind.Value, new DataSnapshot(Query.Path, _filtered ? WindowValue(value) : value, Order));
    }

    /// <summary>
    /// Emits the batch for one write that changed the watched location to <paramref name="newValue"/>.
    /// <paramref name="changes"/> lists the changed children (only filled when the location has an index, which has
    /// already been advanced).
    /// </summary>
    public void OnWrite(DataNode newValue, List<ChildChange> changes)
    {
        if (!IsActive)
        {
            return;
        }

        if (Index is null)
        {
            Emit(StoreEventKind.Value, new DataSnapshot(Query.Path, newValue, Order));
            return;
        }

        var before = Index.Previous;
        var after = Index.Current;
        var (lo0, hi0) = Bounds(before.Count);
        var (lo1, hi1) = Bounds(after.Count);

        var removed = new List<(int Rank, string Key, DataNode Node)>();
        var added = new List<(int Rank, string Key, DataNode Node)>();
        var changed = new List<(int Rank, string Key, DataNode Node)>();
        var moved = new List<(int Rank, string Key, DataNode Node)>();

        // Whether every changed child lies beyond the window's moving edge both before and after (below a limitToLast
        // window, above a limitToFirst one). Then the window keeps the same unchanged children and cannot shift.
        var allBeyond = true;
        foreach (var change in changes)
        {
            var oldIn = !change.Old.IsNull && Index.InRange(change.Key, change.Old);
            var newIn = !change.New.IsNull && Index.InRange(change.Key, change.New);
            var r0 = oldIn ? before.IndexOf(Index.Entry(change.Key, change.Old)) : -1;

            // An index the write left as it was (every changed child kept its place) gives the same rank again.
            var r1 = !newIn ? -1 : oldIn && ReferenceEquals(before, after) ? r0 : after.IndexOf(Index.Entry(change.Key, change.New));
            allBeyond &= _limitToLast is not null
                ? r0 < lo0 && r1 < lo1
                : (r0 < 0 || r0 >= hi0) && (r1 < 0 || r1 >= hi1);
            var wasIn = r0 >= lo0 && r0 < hi0;
            var isIn = r1 >= lo1 && r1 < hi1;
            if (wasIn && !isIn)
            {
                removed.Add((r0, change.Key, change.Old));
            }
            else if (!wasIn && isIn)
            {
                added.Add((r1, change.Key, change.New));
            }
            else if (wasIn && isIn)
            {
                changed.Add((r1, change.Key, change.New));
                if (Index.SortValueChanged(change.Old, change.New) &&
                    !string.Equals(PreviousKey(before, r0, lo0), PreviousKey(after, r1, lo1), StringComparison.Ordinal))
                {
                    moved.Add((r1, change.Key, change.New));
                }
            }
        }

        if ((_limitToFirst is not null || _limitToLast is not null) && !allBeyond)
        {
            AddShiftedByLimit(newValue, before, after, lo0, hi0, lo1, hi1, changes, removed, added);
        }

        // The database reports only writes that changed the location, so an unfiltered watch always gets a value event;
        // a filtered one only when its window's content changed.
        if (_filtered && removed.Count + added.Count + changed.Count == 0)
        {
            return;
        }

        Sort(removed);
        Sort(added);
        Sort(moved);
        Sort(changed);
        foreach (var (_, key, child) in removed)
        {
            EmitChild(StoreEventKind.ChildRemoved, key, child, null);
        }

        foreach (var (rank, key, child) in added)
        {
            EmitChild(StoreEventKind.ChildAdded, key, child, PreviousKey(after, rank, lo1));
        }

        foreach (var (rank, key, child) in moved)
        {
            EmitChild(StoreEventKind.ChildMoved, key, child, PreviousKey(after, rank, lo1));
        }

        foreach (var (rank, key, child) in changed)
        {
            EmitChild(StoreEventKind.ChildChanged, key, child, PreviousKey(after, rank, lo1));
        }

        if (_filtered)
        {
            foreach (var (_, key, _) in removed)
            {
                _window = _window.SetChild(key, DataNode.Null);
            }

            foreach (var (_, key, child) in added)
            {
                _window = _window.SetChild(key, child);
            }

            foreach (var (_, key, child) in changed)
            {
                _window = _window.SetChild(key, child);
            }
        }

        Emit(StoreEventKind.Value, new DataSnapshot(Query.Path, _filtered ? WindowValue(newValue) : newValue, Order));
    }

    /// <summary>
    /// Finds unchanged children pushed out of, or pulled into, a limit window because changed children took or freed
    /// places. With k changed children each window edge moves by at most k ranks and each unchanged child by at most k,
    /// so such children lie within 2k ranks inside the moving edge: only those are examined.
    /// </summary>
    private void AddShiftedByLimit(
        DataNode newValue,
        ImmutableSortedSet<IndexEntry> before,
        ImmutableSortedSet<IndexEntry> after,
        int lo0,
        int hi0,
        int lo1,
        int hi1,
        List<ChildChange> changes,
        List<(int Rank, string Key, DataNode Node)> removed,
        List<(int Rank, string Key, DataNode Node)> added)
    {
        var reach = 2 * changes.Count;
        HashSet<string>? changedKeys = null;
        bool IsChanged(string key)
        {
            if (changes.Count <= 4)
            {
                foreach (var change in changes)
                {
                    if (string.Equals(change.Key, key, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }

            changedKeys ??= changes.Select(static c => c.Key).ToHashSet(StringComparer.Ordinal);
            return changedKeys.Contains(key);
        }

        // limitToFirst windows move at their end; limitToLast windows at their start.
        var (from0, to0) = _limitToFirst is not null ? (Math.Max(lo0, hi0 - reach), hi0) : (lo0, Math.Min(hi0, lo0 + reach));
        for (var r = from0; r < to0; r++)
        {
            var entry = before[r];
            if (!IsChanged(entry.Key))
            {
                var r1 = after.IndexOf(entry);
                if (r1 < lo1 || r1 >= hi1)
                {
                    // Unchanged by this write: its value before is its value now.
                    removed.Add((r, entry.Key, newValue.GetChild(entry.Key)));
                }
            }
        }

        var (from1, to1) = _limitToFirst is not null ? (Math.Max(lo1, hi1 - reach), hi1) : (lo1, Math.Min(hi1, lo1 + reach));
        for (var r = from1; r < to1; r++)
        {
            var entry = after[r];
            if (!IsChanged(entry.Key))
            {
                var r0 = before.IndexOf(entry);
                if (r0 < lo0 || r0 >= hi0)
                {
                    added.Add((r, entry.Key, newValue.GetChild(entry.Key)));
                }
            }
        }
    }

    /// <summary>
    /// Every indexed child with its value, in index order. Where the index order agrees with the key order of the
    /// location's children (ordered by key, or by priority with none set) both are walked together in O(n); elsewhere
    /// each value is looked up.
    /// </summary>
    private static void SelectAll(ImmutableSortedSet<IndexEntry> set, DataNode value, List<KeyValuePair<string, DataNode>> into)
    {
        using var children = value.EnumerateChildren().GetEnumerator();
        var inStep = true;
        foreach (var entry in set)
        {
            DataNode? found = null;
            while (inStep)
            {
                if (!children.MoveNext())
                {
                    inStep = false;
                }
                else if (string.Equals(children.Current.Key, entry.Key, StringComparison.Ordinal))
                {
                    found = children.Current.Value;
                    break;
                }
                else if (KeyComparer.Instance.Compare(children.Current.Key, entry.Key) > 0)
                {
                    // The index holds this child before children that come earlier by key: out of step from here on.
                    inStep = false;
                }
            }

            into.Add(new(entry.Key, found ?? value.GetChild(entry.Key)));
        }
    }

    private (int Lo, int Hi) Bounds(int count)
    {
        if (_limitToFirst is { } first)
        {
            return (0, Math.Min(first, count));
        }

        if (_limitToLast is { } last)
        {
            return (Math.Max(0, count - last), count);
        }

        return (0, count);
    }

    private static string? PreviousKey(ImmutableSortedSet<IndexEntry> set, int rank, int lo) =>
        rank > lo ? set[rank - 1].Key : null;

    private static void Sort(List<(int Rank, string Key, DataNode Node)> list)
    {
        if (list.Count > 1)
        {
            list.Sort(static (a, b) => a.Rank.CompareTo(b.Rank));
        }
    }

    // The query's result: the selected children, with the location's priority as RealtimeQuery.Apply gives it.
    private DataNode WindowValue(DataNode value) => _window.IsNull ? DataNode.Null : _window.WithPriority(value.Priority);

    private void EmitChild(StoreEventKind kind, string key, DataNode child, string? previousKey)
    {
        if ((_events & kind) != 0 && IsActive)
        {
            Write(new StoreEvent(kind, new DataSnapshot(Query.Path.Child(key), child), previousKey));
        }
    }

    private void Emit(StoreEventKind kind, DataSnapshot snapshot)
    {
        if ((_events & kind) != 0 && IsActive)
        {
            Write(new StoreEvent(kind, snapshot));
        }
    }

    private void Write(StoreEvent e)
    {
        if (!_sink(e))
        {
            IsActive = false;
        }
    }
}
