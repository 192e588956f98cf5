namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>An object operation (OOP3): the action, the target object and the payload of that action.</summary>
public sealed record ObjectOperation
{
    /// <summary>What the operation does (OOP2).</summary>
    public ObjectOperationAction Action { get; init; }

    /// <summary>The object it applies to (or creates).</summary>
    public string ObjectId { get; init; } = string.Empty;

    /// <summary>MAP_CREATE, server form.</summary>
    public ObjectsMap? MapCreate { get; init; }

    /// <summary>MAP_CREATE, client form (expanded by the server before it is broadcast).</summary>
    public ObjectCreate? MapCreateWithObjectId { get; init; }

    /// <summary>MAP_SET: the key.</summary>
    public string? MapSetKey { get; init; }

    /// <summary>MAP_SET: the value.</summary>
    public ObjectData? MapSetValue { get; init; }

    /// <summary>MAP_REMOVE: the key.</summary>
    public string? MapRemoveKey { get; init; }

    /// <summary>COUNTER_CREATE, server form: the initial count.</summary>
    public double? CounterCreateCount { get; init; }

    /// <summary>COUNTER_CREATE, client form.</summary>
    public ObjectCreate? CounterCreateWithObjectId { get; init; }

    /// <summary>COUNTER_INC: the amount.</summary>
    public double? CounterIncNumber { get; init; }
}
