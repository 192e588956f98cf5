namespace RealtimeAdapters.Collaboration;

/// <summary>What an <see cref="IOfflineStore"/> kept of a document: its replica id, its last state and the edits not sent yet.</summary>
/// <param name="ReplicaId">The replica id the document used, or <see langword="null"/> when nothing was kept.</param>
/// <param name="Snapshot">The document's state when it was last saved, or <see langword="null"/>.</param>
/// <param name="Pending">The edits not yet sent, oldest first.</param>
public sealed record OfflineState(string? ReplicaId, string? Snapshot, IReadOnlyList<QueuedOperation> Pending);
