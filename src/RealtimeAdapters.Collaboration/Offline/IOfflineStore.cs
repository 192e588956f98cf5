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

    /// <summary>
    /// Appends one local edit before it is applied, synchronously: when the call returns the edit is durable. A session
    /// calls it from inside the edit (<c>list.Add(...)</c> and the like), so that an edit reported applied survives a
    /// crash; when it throws, the edit fails and changes nothing. The default implementation waits for
    /// <see cref="EnqueueAsync"/>.
    /// </summary>
    /// <param name="operation">The edit.</param>
    void Enqueue(QueuedOperation operation) => EnqueueAsync([operation]).AsTask().GetAwaiter().GetResult();

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
