namespace RealtimeAdapters.InMemory;

/// <summary>What makes two watches at one location able to share a <see cref="ChildIndex"/>: the order and the range (limits aside).</summary>
internal readonly record struct IndexKey(QueryOrderBy OrderBy, RealtimePath? ChildPath, QueryBound? Start, QueryBound? End)
{
    public static IndexKey For(RealtimeQuery query) => new(query.OrderBy, query.OrderByChildPath, query.StartAt, query.EndAt);
}
