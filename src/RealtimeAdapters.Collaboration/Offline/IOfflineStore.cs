namespace RealtimeAdapters.Collaboration;

/// <summary>
/// The durable local side of a replica: the edits made here that the backend has not confirmed yet, the replica id and
/// the last state, so that offline edits survive a restart and are sent once the backend is reachable again. One queue
/// holds one document. Used by one <see cref="CollaborationSession"/> at a time.
/// </summary>
public interface IOfflineStore : IAsyncDisposable
{
    /// <summary>Reads what was kept.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<OfflineState> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends edits; they are durable when the call completes. An edit already queued is not queued twice.</summary>
    /// <param name="operations">The edits, oldest first.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask EnqueueAsync(IReadOnlyList<QueuedOperation> operations, CancellationToken cancellationToken = default);

    /// <summary>Removes edits the backend has accepted.</summary>
    /// <param name="ids">Their ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default);

    /// <summary>Keeps the replica id and the document's state.</summary>
    /// <param name="replicaId">The replica id.</param>
    /// <param name="snapshot">The state, or <see langword="null"/> to keep only the replica id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask SaveAsync(string replicaId, string? snapshot, CancellationToken cancellationToken = default);
}
