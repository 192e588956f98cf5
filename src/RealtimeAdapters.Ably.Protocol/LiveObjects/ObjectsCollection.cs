namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// When tombstones are collected (RTO10, §2.7 of the spec): deleted objects and removed map entries are kept for a grace
/// period (<c>objectsGCGracePeriod</c>, 24 hours unless CONNECTED says otherwise), so that a late operation older than the
/// removal still loses, and dropped after it (removed entries after twice that: <see cref="ObjectPool.CollectTombstones"/>);
/// the pool is checked every 5 minutes, as ably-js does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "Garbage collection of objects (RTO10), not a collection type.")]
public static class ObjectsCollection
{
    /// <summary>How often the pool is checked for garbage.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>How long tombstones are kept when CONNECTED gives no <c>objectsGCGracePeriod</c>.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromHours(24);
}
