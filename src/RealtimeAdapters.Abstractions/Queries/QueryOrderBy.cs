namespace RealtimeAdapters;

/// <summary>How a query orders the children of its location.</summary>
public enum QueryOrderBy
{
    /// <summary>No explicit order: children come in priority order, then key order (the Firebase default). Filters need an explicit order.</summary>
    Default,

    /// <summary>By key (<see cref="KeyComparer"/>).</summary>
    Key,

    /// <summary>By the child's own value (value order, ties by key).</summary>
    Value,

    /// <summary>By priority: none first, then numbers, then strings; ties by key.</summary>
    Priority,

    /// <summary>By the value at a path inside each child (<see cref="RealtimeQuery.OrderByChildPath"/>); value order, ties by key.</summary>
    Child,
}
