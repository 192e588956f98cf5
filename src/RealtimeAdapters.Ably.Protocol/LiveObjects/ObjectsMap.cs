namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>A map's entries, in a create operation (<c>mapCreate</c>) or a state (<c>map</c>). Semantics 0 is last-write-wins.</summary>
public sealed record ObjectsMap
{
    /// <summary>The conflict semantics; 0 (last write wins) is the only one.</summary>
    public int Semantics { get; init; }

    /// <summary>The entries by key.</summary>
    public IReadOnlyDictionary<string, ObjectsMapEntry> Entries { get; init; } = new Dictionary<string, ObjectsMapEntry>(StringComparer.Ordinal);

    /// <summary>The serial of the map's last MAP_CLEAR, if any.</summary>
    public string? ClearTimeserial { get; init; }
}
