namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>A map's entries, in a create operation (<c>mapCreate</c>) or a state (<c>map</c>). Semantics 0 is last-write-wins.</summary>
public sealed record ObjectsMap
{
    public int Semantics { get; init; }

    public IReadOnlyDictionary<string, ObjectsMapEntry> Entries { get; init; } = new Dictionary<string, ObjectsMapEntry>(StringComparer.Ordinal);

    public string? ClearTimeserial { get; init; }
}
