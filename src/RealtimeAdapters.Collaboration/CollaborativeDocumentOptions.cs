using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>Settings of a <see cref="CollaborativeDocument"/>. Read once, when the document is created.</summary>
public sealed class CollaborativeDocumentOptions
{
    /// <summary>
    /// The id of this replica (one per device or process), unique among the document's replicas; it must belong to
    /// <see cref="ClientId"/> (<see cref="ReplicaIds.BelongsTo"/>). A new one (<see cref="ReplicaIds.Create"/>) when omitted.
    /// </summary>
    public string? ReplicaId { get; set; }

    /// <summary>
    /// The client id edits are authored as: the channel client's client id when the document is replicated over channels,
    /// where the backend stamps the sender and other replicas check it. <see langword="null"/> for an anonymous author.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The clock of the hybrid logical clock; <see cref="TimeProvider.System"/> when omitted.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How values are serialized; <see cref="RealtimeJson.DefaultOptions"/> when omitted.</summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>
    /// How far in the future (by this replica's clock) a remote timestamp may be: a later one is refused
    /// (<see cref="RejectionReason.ClockDrift"/>), so that a replica with a wrong clock, or a forger, cannot make its
    /// writes win over every later edit. One day by default; <see langword="null"/> accepts any timestamp.
    /// </summary>
    public TimeSpan? MaxClockDrift { get; set; } = TimeSpan.FromDays(1);
}
