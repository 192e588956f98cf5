namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>One object of a <see cref="ObjectPool"/>: a last-write-wins map or a counter, with the serials it has applied.</summary>
public sealed class LiveObject(string id, bool isMap)
{
    /// <summary>The object id (<c>root</c>, or <c>type:hash@timestamp</c>).</summary>
    public string Id { get; } = id;

    /// <summary>Whether the object is a map (otherwise a counter).</summary>
    public bool IsMap { get; } = isMap;

    /// <summary>A map's entries, tombstoned ones included (so that older operations on a removed key lose).</summary>
    public Dictionary<string, ObjectsMapEntry> Entries { get; } = new(StringComparer.Ordinal);

    /// <summary>A counter's value.</summary>
    public double Count { get; internal set; }

    /// <summary>The last serial applied from each site (RTLO4).</summary>
    public Dictionary<string, string> SiteTimeserials { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether a create operation was merged in (a later one is a no-op).</summary>
    public bool CreateApplied { get; internal set; }

    /// <summary>Whether the object was deleted (OBJECT_DELETE).</summary>
    public bool Tombstone { get; internal set; }

    /// <summary>When the object was tombstoned (the delete's serialTimestamp, in Unix ms), for collecting it after the grace period (RTLO6).</summary>
    public long? TombstonedAt { get; internal set; }

    /// <summary>A map's last MAP_CLEAR serial: entries with an older serial are cleared.</summary>
    public string? ClearTimeserial { get; internal set; }
}
