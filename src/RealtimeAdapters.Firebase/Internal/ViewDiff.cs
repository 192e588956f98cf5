namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// Turns two states of a watched location into the event batch: removals, additions, moves and changes (each in query
/// order with its predecessor's key), then one value event when the query's result changed. Running it on a reconnect's
/// full value against the cache yields exactly the differences: no duplicates, no missed deletions.
/// </summary>
internal static class ViewDiff
{
    public static IReadOnlyList<KeyValuePair<string, DataNode>> View(RealtimeQuery query, DataNode cache)
    {
        if (cache.Kind != DataNodeKind.Object)
        {
            return [];
        }

        if (query.HasFilter || query.OrderBy != QueryOrderBy.Key)
        {
            return query.Select(cache);
        }

        return [.. cache.Children];
    }

    public static DataNode Value(RealtimeQuery query, DataNode cache) => query.Apply(cache);

    public static List<StoreEvent> Initial(RealtimeQuery query, DataNode cache)
    {
        var events = new List<StoreEvent>();
        string? previous = null;
        foreach (var (key, child) in View(query, cache))
        {
            events.Add(new StoreEvent(StoreEventKind.ChildAdded, new DataSnapshot(query.Path.Child(key), child), previous));
            previous = key;
        }

        events.Add(new StoreEvent(StoreEventKind.Value, new DataSnapshot(query.Path, Value(query, cache), query.Order)));
        return events;
    }

    public static List<StoreEvent> Diff(RealtimeQuery query, DataNode before, DataNode after)
    {
        var events = new List<StoreEvent>();
        var oldValue = Value(query, before);
        var newValue = Value(query, after);
        if (oldValue.Equals(newValue))
        {
            return events;
        }

        var oldView = View(query, before);
        var newView = View(query, after);
        var oldRank = new Dictionary<string, int>(oldView.Count, StringComparer.Ordinal);
        for (var i = 0; i < oldView.Count; i++)
        {
            oldRank[oldView[i].Key] = i;
        }

        var newRank = new Dictionary<string, int>(newView.Count, StringComparer.Ordinal);
        for (var i = 0; i < newView.Count; i++)
        {
            newRank[newView[i].Key] = i;
        }

        foreach (var (key, child) in oldView)
        {
            if (!newRank.ContainsKey(key))
            {
                events.Add(new StoreEvent(StoreEventKind.ChildRemoved, new DataSnapshot(query.Path.Child(key), child)));
            }
        }

        var moved = new List<StoreEvent>();
        var changed = new List<StoreEvent>();
        var order = query.Order;
        for (var i = 0; i < newView.Count; i++)
        {
            var (key, child) = newView[i];
            var previous = i > 0 ? newView[i - 1].Key : null;
            var snapshot = new DataSnapshot(query.Path.Child(key), child);
            if (!oldRank.TryGetValue(key, out var r0))
            {
                events.Add(new StoreEvent(StoreEventKind.ChildAdded, snapshot, previous));
                continue;
            }

            var old = oldView[r0].Value;
            if (old.Equals(child))
            {
                continue;
            }

            changed.Add(new StoreEvent(StoreEventKind.ChildChanged, snapshot, previous));
            var oldPrevious = r0 > 0 ? oldView[r0 - 1].Key : null;
            if (order.CompareIndexValues(order.IndexValue(old), order.IndexValue(child)) != 0 &&
                !string.Equals(oldPrevious, previous, StringComparison.Ordinal))
            {
                moved.Add(new StoreEvent(StoreEventKind.ChildMoved, snapshot, previous));
            }
        }

        events.AddRange(moved);
        events.AddRange(changed);
        events.Add(new StoreEvent(StoreEventKind.Value, new DataSnapshot(query.Path, newValue, query.Order)));
        return events;
    }
}
