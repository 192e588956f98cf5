namespace RealtimeAdapters.InMemory;

/// <summary>
/// Orders <see cref="IndexEntry"/> values as <see cref="ChildOrder"/> orders children (sort value, then key order), from
/// the entries' inline sort fields; <see cref="Entry"/> builds an entry with the fields <see cref="ChildOrder"/> would compare.
/// </summary>
internal sealed class IndexEntryComparer : IComparer<IndexEntry>
{
    private readonly ChildOrder _order;
    private readonly bool _byKey;
    private readonly bool _byPriority;

    public IndexEntryComparer(ChildOrder order)
    {
        _order = order;
        _byKey = order.OrderBy == QueryOrderBy.Key;
        _byPriority = order.OrderBy is QueryOrderBy.Default or QueryOrderBy.Priority;
    }

    public IndexEntry Entry(string key, DataNode child)
    {
        if (_byKey)
        {
            return new(key, 0, 0, null);
        }

        var value = _order.IndexValue(child);
        var number = value.Kind == DataNodeKind.Number ? value.GetNumber() : 0;
        var text = value.Kind == DataNodeKind.String ? value.GetString() : null;
        var kindClass = _byPriority
            ? value.Kind switch
            {
                DataNodeKind.Number => 1,
                DataNodeKind.String => 2,
                _ => 0,
            }
            : value.Kind switch
            {
                DataNodeKind.Null => 0,
                DataNodeKind.Boolean => value.GetBoolean() ? 2 : 1,
                DataNodeKind.Number => 3,
                DataNodeKind.String => 4,
                _ => 5,
            };
        return new(key, kindClass, number, text);
    }

    public int Compare(IndexEntry x, IndexEntry y)
    {
        if (!_byKey)
        {
            var c = x.Class.CompareTo(y.Class);
            if (c != 0)
            {
                return c;
            }

            c = x.Text is not null ? string.CompareOrdinal(x.Text, y.Text) : x.Number.CompareTo(y.Number);
            if (c != 0)
            {
                return c;
            }
        }

        return KeyComparer.Instance.Compare(x.Key, y.Key);
    }
}
