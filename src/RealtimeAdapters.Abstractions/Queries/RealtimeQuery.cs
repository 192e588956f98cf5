using System.Globalization;
using System.Text;

namespace RealtimeAdapters;

/// <summary>
/// A location with an optional ordering, range and limit: what a get or a watch reads. Built fluently and validated as
/// the Firebase service validates it: an explicit order first, one order only, bounds of the right type, one start,
/// one end, one limit.
/// </summary>
/// <example><code>
/// var topScores = RealtimeQuery.At("scores").OrderByChild("points").LimitToLast(10);
/// </code></example>
public sealed record RealtimeQuery
{
    private RealtimeQuery(RealtimePath path) => Path = path;

    /// <summary>The location.</summary>
    public RealtimePath Path { get; private init; }

    /// <summary>The ordering.</summary>
    public QueryOrderBy OrderBy { get; private init; }

    /// <summary>The path inside each child, for <see cref="QueryOrderBy.Child"/>.</summary>
    public RealtimePath? OrderByChildPath { get; private init; }

    /// <summary>The start of the range (inclusive), if any.</summary>
    public QueryBound? StartAt { get; private init; }

    /// <summary>The end of the range (inclusive), if any.</summary>
    public QueryBound? EndAt { get; private init; }

    /// <summary>Whether the range was set with <see cref="WithEqualTo(DataNode, string?)"/> (start and end equal).</summary>
    public bool IsEqualTo { get; private init; }

    /// <summary>The number of children kept from the start of the range, if limited.</summary>
    public int? LimitToFirst { get; private init; }

    /// <summary>The number of children kept from the end of the range, if limited.</summary>
    public int? LimitToLast { get; private init; }

    /// <summary>Whether the query reads the whole location in default order (no order, range or limit).</summary>
    public bool IsDefault => OrderBy == QueryOrderBy.Default;

    /// <summary>Whether a range or a limit filters the children.</summary>
    public bool HasFilter => StartAt is not null || EndAt is not null || HasLimit;

    /// <summary>Whether a limit applies.</summary>
    public bool HasLimit => LimitToFirst is not null || LimitToLast is not null;

    /// <summary>The ordering as a comparer.</summary>
    public ChildOrder Order => ChildOrder.For(this);

    /// <summary>The whole location at <paramref name="path"/>.</summary>
    /// <param name="path">The location.</param>
    public static RealtimeQuery At(RealtimePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new(path);
    }

    /// <summary>A query of the whole location.</summary>
    /// <param name="path">The location.</param>
    public static implicit operator RealtimeQuery(RealtimePath path) => At(path);

    /// <summary>A query of the whole location at a path given as text.</summary>
    /// <param name="path">The location.</param>
    public static implicit operator RealtimeQuery(string path) => At(RealtimePath.Parse(path));

    /// <summary>Orders by key.</summary>
    /// <exception cref="RealtimeValidationException">An order is already set.</exception>
    public RealtimeQuery OrderByKey() => WithOrder(QueryOrderBy.Key, null);

    /// <summary>Orders by the children's own values.</summary>
    /// <exception cref="RealtimeValidationException">An order is already set.</exception>
    public RealtimeQuery OrderByValue() => WithOrder(QueryOrderBy.Value, null);

    /// <summary>Orders by priority.</summary>
    /// <exception cref="RealtimeValidationException">An order is already set.</exception>
    public RealtimeQuery OrderByPriority() => WithOrder(QueryOrderBy.Priority, null);

    /// <summary>Orders by the value at <paramref name="childPath"/> inside each child.</summary>
    /// <param name="childPath">A relative path such as <c>"points"</c> or <c>"stats/points"</c>.</param>
    /// <exception cref="RealtimeValidationException">An order is already set, or the path is invalid or empty.</exception>
    public RealtimeQuery OrderByChild(RealtimePath childPath)
    {
        ArgumentNullException.ThrowIfNull(childPath);
        if (childPath.IsRoot)
        {
            throw Invalid("orderByChild needs a child path; use OrderByValue to order by the children's own values");
        }

        return WithOrder(QueryOrderBy.Child, childPath);
    }

    /// <summary>Keeps children at or after a bound in the query's order.</summary>
    /// <param name="value">The bound value (for key order, the key).</param>
    /// <param name="key">A key that breaks ties among children with the bound value.</param>
    /// <exception cref="RealtimeValidationException">No order is set, a start is already set, or the bound does not fit the order.</exception>
    public RealtimeQuery WithStartAt(DataNode value, string? key = null)
    {
        if (StartAt is not null)
        {
            throw Invalid("the start was already set (by startAt or equalTo)");
        }

        return this with { StartAt = MakeBound("startAt", value, key) };
    }

    /// <summary>Keeps children at or before a bound in the query's order.</summary>
    /// <param name="value">The bound value (for key order, the key).</param>
    /// <param name="key">A key that breaks ties among children with the bound value.</param>
    /// <exception cref="RealtimeValidationException">No order is set, an end is already set, or the bound does not fit the order.</exception>
    public RealtimeQuery WithEndAt(DataNode value, string? key = null)
    {
        if (EndAt is not null)
        {
            throw Invalid("the end was already set (by endAt or equalTo)");
        }

        return this with { EndAt = MakeBound("endAt", value, key) };
    }

    /// <summary>
    /// Keeps children strictly after a bound in the query's order (Firebase's <c>startAfter</c>): the next page after
    /// the last child seen. Over Firebase's REST transport, which has no such bound, the server is asked for the
    /// inclusive range without its limit and the exact query is applied to what comes back.
    /// </summary>
    /// <param name="value">The bound value (for key order, the key).</param>
    /// <param name="key">A key that breaks ties; without one, every child with the bound value is excluded.</param>
    /// <exception cref="RealtimeValidationException">As for <see cref="WithStartAt"/>.</exception>
    public RealtimeQuery WithStartAfter(DataNode value, string? key = null)
    {
        var query = WithStartAt(value, key);
        return query with { StartAt = query.StartAt!.Value with { Exclusive = true } };
    }

    /// <summary>
    /// Keeps children strictly before a bound in the query's order (Firebase's <c>endBefore</c>): the page before the
    /// first child seen. Over Firebase's REST transport the server is asked for the inclusive range without its limit,
    /// and the exact query is applied to what comes back.
    /// </summary>
    /// <param name="value">The bound value (for key order, the key).</param>
    /// <param name="key">A key that breaks ties; without one, every child with the bound value is excluded.</param>
    /// <exception cref="RealtimeValidationException">As for <see cref="WithEndAt"/>.</exception>
    public RealtimeQuery WithEndBefore(DataNode value, string? key = null)
    {
        var query = WithEndAt(value, key);
        return query with { EndAt = query.EndAt!.Value with { Exclusive = true } };
    }

    /// <summary>Keeps children equal to a value in the query's order.</summary>
    /// <param name="value">The value (for key order, the key).</param>
    /// <param name="key">A key that narrows the match to one child.</param>
    /// <exception cref="RealtimeValidationException">No order is set, a start or end is already set, or the value does not fit the order.</exception>
    public RealtimeQuery WithEqualTo(DataNode value, string? key = null)
    {
        if (StartAt is not null || EndAt is not null)
        {
            throw Invalid("equalTo cannot be combined with startAt or endAt");
        }

        var bound = MakeBound("equalTo", value, key);
        return this with { StartAt = bound, EndAt = bound, IsEqualTo = true };
    }

    /// <summary>Keeps the first <paramref name="limit"/> children of the range.</summary>
    /// <param name="limit">A positive count.</param>
    /// <exception cref="RealtimeValidationException">No order is set, a limit is already set, or the limit is not positive.</exception>
    public RealtimeQuery WithLimitToFirst(int limit) => this with { LimitToFirst = CheckLimit("limitToFirst", limit) };

    /// <summary>Keeps the last <paramref name="limit"/> children of the range.</summary>
    /// <param name="limit">A positive count.</param>
    /// <exception cref="RealtimeValidationException">No order is set, a limit is already set, or the limit is not positive.</exception>
    public RealtimeQuery WithLimitToLast(int limit) => this with { LimitToLast = CheckLimit("limitToLast", limit) };

    /// <summary>Whether a child lies within the range (limits aside).</summary>
    /// <param name="key">The child's key.</param>
    /// <param name="child">The child's value.</param>
    public bool IsInRange(string key, DataNode child)
    {
        var order = Order;
        return (StartAt is not { } start || order.CompareToBound(key, child, start, isStart: true) >= 0) &&
               (EndAt is not { } end || order.CompareToBound(key, child, end, isStart: false) <= 0);
    }

    /// <summary>
    /// The children of <paramref name="node"/> this query selects, in query order: sorted, filtered by the range, then cut
    /// to the limit.
    /// </summary>
    /// <param name="node">The value at <see cref="Path"/>.</param>
    public IReadOnlyList<KeyValuePair<string, DataNode>> Select(DataNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var order = Order;
        var children = new List<KeyValuePair<string, DataNode>>(node.ChildCount);
        foreach (var child in node.EnumerateChildren())
        {
            if (IsInRange(child.Key, child.Value))
            {
                children.Add(child);
            }
        }

        if (order.OrderBy != QueryOrderBy.Key)
        {
            children.Sort(order);
        }

        if (LimitToFirst is { } first && children.Count > first)
        {
            children.RemoveRange(first, children.Count - first);
        }
        else if (LimitToLast is { } last && children.Count > last)
        {
            children.RemoveRange(0, children.Count - last);
        }

        return children;
    }

    /// <summary>The value this query reads from <paramref name="node"/>: the node itself without filters, else the selected children.</summary>
    /// <param name="node">The value at <see cref="Path"/>.</param>
    public DataNode Apply(DataNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!HasFilter || node.Kind != DataNodeKind.Object)
        {
            return HasFilter ? DataNode.Null : node;
        }

        var selected = Select(node);
        return selected.Count == node.ChildCount ? node : DataNode.FromChildren(selected).WithPriority(node.Priority);
    }

    /// <summary>The query in the Firebase REST form, e.g. <c>/scores?orderBy="points"&amp;limitToLast=10</c> (unencoded).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Path.ToString());
        var sep = '?';
        void Add(string name, string value)
        {
            sb.Append(sep).Append(name).Append('=').Append(value);
            sep = '&';
        }

        switch (OrderBy)
        {
            case QueryOrderBy.Key: Add("orderBy", "\"$key\""); break;
            case QueryOrderBy.Value: Add("orderBy", "\"$value\""); break;
            case QueryOrderBy.Priority: Add("orderBy", "\"$priority\""); break;
            case QueryOrderBy.Child: Add("orderBy", "\"" + OrderByChildPath!.ToString()[1..] + "\""); break;
        }

        if (IsEqualTo)
        {
            AddBound(Add, "equalTo", StartAt!.Value);
        }
        else
        {
            if (StartAt is { } s)
            {
                AddBound(Add, s.Exclusive ? "startAfter" : "startAt", s);
            }

            if (EndAt is { } e)
            {
                AddBound(Add, e.Exclusive ? "endBefore" : "endAt", e);
            }
        }

        if (LimitToFirst is { } f)
        {
            Add("limitToFirst", f.ToString(CultureInfo.InvariantCulture));
        }

        if (LimitToLast is { } l)
        {
            Add("limitToLast", l.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    private static void AddBound(Action<string, string> add, string name, QueryBound bound)
    {
        add(name, bound.Value.ToJsonString());
        if (bound.Key is not null)
        {
            add(name + "Key", bound.Key);
        }
    }

    private RealtimeQuery WithOrder(QueryOrderBy orderBy, RealtimePath? childPath)
    {
        if (OrderBy != QueryOrderBy.Default)
        {
            throw Invalid("an order was already set; a query has one orderBy");
        }

        if (HasFilter)
        {
            throw Invalid("set the order before any range or limit");
        }

        return this with { OrderBy = orderBy, OrderByChildPath = childPath };
    }

    private QueryBound MakeBound(string what, DataNode value, string? key)
    {
        ArgumentNullException.ThrowIfNull(value);
        RequireOrder(what);
        if (value.Kind is DataNodeKind.Object or DataNodeKind.ServerValue)
        {
            throw Invalid($"{what} takes null, a boolean, a number or a string, not {value.Kind}");
        }

        if (key is not null)
        {
            RealtimeKeys.Validate(key);
        }

        switch (OrderBy)
        {
            case QueryOrderBy.Key:
                if (key is not null)
                {
                    throw Invalid($"when ordering by key, {what} takes only one argument");
                }

                if (value.Kind != DataNodeKind.String || !RealtimeKeys.IsValid(value.GetString()))
                {
                    throw Invalid($"when ordering by key, {what} takes a valid key string (got {value})");
                }

                break;
            case QueryOrderBy.Priority when value.Kind == DataNodeKind.Boolean:
                throw Invalid($"when ordering by priority, {what} takes a valid priority (null, a number or a string), not {value}");
        }

        return new QueryBound(value.WithoutPriority(), key);
    }

    private int CheckLimit(string what, int limit)
    {
        RequireOrder(what);
        if (HasLimit)
        {
            throw Invalid("a limit was already set (limitToFirst or limitToLast)");
        }

        return limit > 0 ? limit : throw Invalid($"{what} must be a positive integer (got {limit})");
    }

    private void RequireOrder(string what)
    {
        if (OrderBy == QueryOrderBy.Default)
        {
            throw Invalid($"{what} needs an order: call OrderByKey, OrderByValue, OrderByPriority or OrderByChild first");
        }
    }

    private RealtimeValidationException Invalid(string problem) => new($"Invalid query at {Path}: {problem}.", Path.ToString());
}
