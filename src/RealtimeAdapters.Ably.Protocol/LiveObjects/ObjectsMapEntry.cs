namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>One entry of a map's state or create operation (OME2).</summary>
public sealed record ObjectsMapEntry
{
    /// <summary>Whether the key was removed.</summary>
    public bool Tombstone { get; init; }

    /// <summary>The serial of the last operation on the key; null is the earliest possible.</summary>
    public string? Timeserial { get; init; }

    /// <summary>With a tombstone: when it was removed (ms since the Unix epoch), for collection.</summary>
    public long? SerialTimestamp { get; init; }

    /// <summary>The value.</summary>
    public ObjectData? Data { get; init; }
}
