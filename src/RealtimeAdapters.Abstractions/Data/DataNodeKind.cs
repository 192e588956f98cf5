namespace RealtimeAdapters;

/// <summary>The kind of a <see cref="DataNode"/>.</summary>
public enum DataNodeKind
{
    /// <summary>No value: a missing node. Writing it deletes.</summary>
    Null,

    /// <summary>A boolean leaf.</summary>
    Boolean,

    /// <summary>A number leaf (IEEE-754 double, finite).</summary>
    Number,

    /// <summary>A string leaf.</summary>
    String,

    /// <summary>An object with at least one child.</summary>
    Object,

    /// <summary>A server value placeholder (<see cref="ServerValue"/>) that the backend resolves when it applies the write.</summary>
    ServerValue,
}
