namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// The state of one object in an OBJECT_SYNC (OST2). <see cref="Map"/> or <see cref="Counter"/> holds the result of every
/// operation except the create; the receiver adds <see cref="CreateOp"/> on top when present.
/// </summary>
public sealed record ObjectState
{
    /// <summary>The object's id.</summary>
    public string ObjectId { get; init; } = string.Empty;

    /// <summary>The last serial applied from each site.</summary>
    public IReadOnlyDictionary<string, string> SiteTimeserials { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether the object was deleted.</summary>
    public bool Tombstone { get; init; }

    /// <summary>The create operation (server form); <see cref="Map"/> or <see cref="Counter"/> then exclude its initial value.</summary>
    public ObjectOperation? CreateOp { get; init; }

    /// <summary>A map's state.</summary>
    public ObjectsMap? Map { get; init; }

    /// <summary>A counter's count.</summary>
    public double? Counter { get; init; }
}
