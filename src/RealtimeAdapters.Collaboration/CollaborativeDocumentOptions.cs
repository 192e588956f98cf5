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

    /// <summary>
    /// How long removal tombstones are kept (<see langword="null"/>, the default: for ever). With a retention, each snapshot
    /// this replica takes (to publish, compact or keep offline) sets the document's horizon to its time minus the
    /// retention: removed list elements, set adds and map keys removed before the horizon are forgotten, operations made
    /// before it are refused (<see cref="RejectionReason.Stale"/>), and a merge drops what the other side, knowing a later
    /// horizon, no longer holds. It assumes that no edit takes longer than the retention to reach every replica (a replica
    /// offline for longer has its older edits refused, and they never bring back a removed element). Snapshots with a
    /// horizon are written in snapshot format version 2, which earlier versions of this library refuse.
    /// </summary>
    public TimeSpan? TombstoneRetention { get; set; }
}
