namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>One entry of a map's state or create operation (OME2).</summary>
public sealed record ObjectsMapEntry
{
    public bool Tombstone { get; init; }

    /// <summary>The serial of the last operation on the key; null is the earliest possible.</summary>
    public string? Timeserial { get; init; }

    public long? SerialTimestamp { get; init; }

    public ObjectData? Data { get; init; }
}
