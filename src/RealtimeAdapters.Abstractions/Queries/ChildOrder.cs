namespace RealtimeAdapters;

/// <summary>
/// The Firebase orderings of children: key order, value order (null &lt; false &lt; true &lt; numbers &lt; strings &lt; objects,
/// ties by key) and priority order (none &lt; numbers &lt; strings, ties by key).
/// </summary>
public sealed class ChildOrder : IComparer<KeyValuePair<string, DataNode>>
{
    private ChildOrder(QueryOrderBy orderBy, RealtimePath? childPath)
    {
        OrderBy = orderBy;
        ChildPath = childPath;
    }

    /// <summary>Priority order, then key order: the order of children when no query orders them.</summary>
    public static ChildOrder Default { get; } = new(QueryOrderBy.Default, null);

    /// <summary>Key order.</summary>
    public static ChildOrder ByKey { get; } = new(QueryOrderBy.Key, null);

    /// <summary>Value order.</summary>
    public static ChildOrder ByValue { get; } = new(QueryOrderBy.Value, null);

    /// <summary>Priority order.</summary>
    public static ChildOrder ByPriority { get; } = new(QueryOrderBy.Priority, null);

    /// <summary>The ordering.</summary>
    public QueryOrderBy OrderBy { get; }

    /// <summary>For <see cref="QueryOrderBy.Child"/>, the path inside each child that is compared.</summary>
    public RealtimePath? ChildPath { get; }

    /// <summary>Value order by the value at <paramref name="childPath"/> inside each child.</summary>
    /// <param name="childPath">The path inside each child.</param>
    public static ChildOrder ByChild(RealtimePath childPath)
    {
        ArgumentNullException.ThrowIfNull(childPath);
        return new(QueryOrderBy.Child, childPath);
    }

    /// <summary>The ordering of a query.</summary>
    /// <param name="query">The query.</param>
    public static ChildOrder For(RealtimeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.OrderBy switch
        {
            QueryOrderBy.Key => ByKey,
            QueryOrderBy.Value => ByValue,
            QueryOrderBy.Priority => ByPriority,
            QueryOrderBy.Child => ByChild(query.OrderByChildPath!),
            _ => Default,
        };
    }

    /// <summary>The value a child is ordered by (its priority, its value, or the value at the child path).</summary>
    /// <param name="child">The child node.</param>
    public DataNode IndexValue(DataNode child)
    {
        ArgumentNullException.ThrowIfNull(child);
        return OrderBy switch
        {
            QueryOrderBy.Default or QueryOrderBy.Priority => child.Priority,
            QueryOrderBy.Value => child,
            QueryOrderBy.Child => child.GetAt(ChildPath!),
            _ => DataNode.Null,
        };
    }

    /// <inheritdoc />
    public int Compare(KeyValuePair<string, DataNode> x, KeyValuePair<string, DataNode> y)
    {
        if (OrderBy != QueryOrderBy.Key)
        {
            var c = CompareIndexValues(IndexValue(x.Value), IndexValue(y.Value));
            if (c != 0)
            {
                return c;
            }
        }

        return KeyComparer.Instance.Compare(x.Key, y.Key);
    }

    /// <summary>Compares two index values in this ordering (priority order or value order).</summary>
    /// <param name="x">The first value.</param>
    /// <param name="y">The second value.</param>
    public int CompareIndexValues(DataNode x, DataNode y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return OrderBy is QueryOrderBy.Default or QueryOrderBy.Priority ? ComparePriorities(x, y) : CompareValues(x, y);
    }

    /// <summary>Value order: null &lt; false &lt; true &lt; numbers &lt; strings &lt; objects; objects and nulls are equal among themselves.</summary>
    /// <param name="x">The first value.</param>
    /// <param name="y">The second value.</param>
    public static int CompareValues(DataNode x, DataNode y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var rx = ValueRank(x);
        var ry = ValueRank(y);
        if (rx != ry)
        {
            return rx.CompareTo(ry);
        }

        return rx switch
        {
            3 => x.GetNumber().CompareTo(y.GetNumber()),
            4 => string.CompareOrdinal(x.GetString(), y.GetString()),
            _ => 0,
        };
    }

    /// <summary>Priority order: none &lt; numbers &lt; strings.</summary>
    /// <param name="x">The first priority.</param>
    /// <param name="y">The second priority.</param>
    public static int ComparePriorities(DataNode x, DataNode y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var rx = PriorityRank(x);
        var ry = PriorityRank(y);
        if (rx != ry)
        {
            return rx.CompareTo(ry);
        }

        return rx switch
        {
            1 => x.GetNumber().CompareTo(y.GetNumber()),
            2 => string.CompareOrdinal(x.GetString(), y.GetString()),
            _ => 0,
        };
    }

    private static int ValueRank(DataNode node) => node.Kind switch
    {
        DataNodeKind.Null => 0,
        DataNodeKind.Boolean => node.GetBoolean() ? 2 : 1,
        DataNodeKind.Number => 3,
        DataNodeKind.String => 4,
        _ => 5,
    };

    private static int PriorityRank(DataNode node) => node.Kind switch
    {
        DataNodeKind.Number => 1,
        DataNodeKind.String => 2,
        _ => 0,
    };

    /// <summary>
    /// Compares a child with a range bound: negative when the child sorts before it, positive after, 0 at it. A bound
    /// without a key sits before every key of its value when it starts a range and after every key when it ends one
    /// (the other way round when exclusive); a child at an exclusive bound counts as outside the range.
    /// </summary>
    /// <param name="key">The child's key.</param>
    /// <param name="child">The child's value.</param>
    /// <param name="bound">The bound.</param>
    /// <param name="isStart">Whether the bound starts the range.</param>
    public int CompareToBound(string key, DataNode child, QueryBound bound, bool isStart)
    {
        ArgumentNullException.ThrowIfNull(key);
        int c;
        if (OrderBy == QueryOrderBy.Key)
        {
            c = KeyComparer.Instance.Compare(key, bound.Value.GetString());
        }
        else
        {
            c = CompareIndexValues(IndexValue(child), bound.Value);
            if (c != 0)
            {
                return c;
            }

            if (bound.Key is null)
            {
                // A keyless bound spans every key of its value: inside the range when inclusive, outside when exclusive.
                return isStart != bound.Exclusive ? 1 : -1;
            }

            c = KeyComparer.Instance.Compare(key, bound.Key);
        }

        // A child exactly at an exclusive bound falls on the outer side of it.
        return c == 0 && bound.Exclusive ? (isStart ? -1 : 1) : c;
    }
}
