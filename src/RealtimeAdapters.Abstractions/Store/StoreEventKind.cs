namespace RealtimeAdapters;

/// <summary>The kinds of events a store watch delivers; combine flags in <see cref="WatchOptions.Events"/>.</summary>
[Flags]
public enum StoreEventKind
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>The whole value at the location (or the query's selected children) after a change, and once at the start.</summary>
    Value = 1,

    /// <summary>A child appeared (or entered a query's window).</summary>
    ChildAdded = 2,

    /// <summary>A child's value changed.</summary>
    ChildChanged = 4,

    /// <summary>A child disappeared (or left a query's window).</summary>
    ChildRemoved = 8,

    /// <summary>A child's position in the query order changed.</summary>
    ChildMoved = 16,

    /// <summary>Every child event.</summary>
    AllChildEvents = ChildAdded | ChildChanged | ChildRemoved | ChildMoved,

    /// <summary>Every event.</summary>
    All = Value | AllChildEvents,
}
