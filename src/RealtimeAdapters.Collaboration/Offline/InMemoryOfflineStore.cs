namespace RealtimeAdapters.Collaboration;

/// <summary>A queue that lives as long as the process (the default): edits wait in memory until sent.</summary>
public sealed class InMemoryOfflineStore : IOfflineStore
{
    private readonly Lock _gate = new();
    private readonly List<QueuedOperation> _pending = [];
    private string? _replicaId;
    private string? _snapshot;

    /// <inheritdoc />
    public ValueTask<OfflineState> LoadAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(new OfflineState(_replicaId, _snapshot, [.. _pending]));
        }
    }

    /// <inheritdoc />
    public ValueTask EnqueueAsync(IReadOnlyList<QueuedOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        lock (_gate)
        {
            foreach (var op in operations)
            {
                if (!_pending.Any(p => p.Id == op.Id))
                {
                    _pending.Add(op);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var set = ids.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            _pending.RemoveAll(p => set.Contains(p.Id));
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SaveAsync(string replicaId, string? snapshot, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _replicaId = replicaId;
            _snapshot = snapshot ?? _snapshot;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
