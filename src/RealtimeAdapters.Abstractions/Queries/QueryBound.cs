namespace RealtimeAdapters;

/// <summary>A range bound of a query: a value in the query's order and, optionally, a key that breaks ties.</summary>
/// <param name="Value">The bound value (a leaf or <see cref="DataNode.Null"/>). For key order, the key as a string leaf.</param>
/// <param name="Key">The tie-breaking key, or <see langword="null"/> to include every key with the bound value.</param>
public readonly record struct QueryBound(DataNode Value, string? Key = null)
{
    /// <summary>
    /// Whether the bound itself lies outside the range (<c>startAfter</c> / <c>endBefore</c>; set by
    /// <see cref="RealtimeQuery.WithStartAfter"/> and <see cref="RealtimeQuery.WithEndBefore"/>). Without
    /// <see cref="Key"/>, every child with the bound value is outside; with it, children with the bound value and a key
    /// after (or before) it are inside.
    /// </summary>
    public bool Exclusive { get; init; }
}
