namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// The state of one object in an OBJECT_SYNC (OST2). <see cref="Map"/> or <see cref="Counter"/> holds the result of every
/// operation except the create; the receiver adds <see cref="CreateOp"/> on top when present.
/// </summary>
public sealed record ObjectState
{
    public string ObjectId { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> SiteTimeserials { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public bool Tombstone { get; init; }

    public ObjectOperation? CreateOp { get; init; }

    public ObjectsMap? Map { get; init; }

    public double? Counter { get; init; }
}
