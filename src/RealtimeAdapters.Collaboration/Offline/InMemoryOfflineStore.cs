namespace RealtimeAdapters.Collaboration;

/// <summary>A queue that lives as long as the process (the default): edits wait in memory until sent.</summary>
public sealed class InMemoryOfflineStore : IOfflineStore
{
    private readonly Lock _gate = new();
    private readonly List<QueuedOperation> _pending = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
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
        foreach (var op in operations)
        {
            Enqueue(op);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void Enqueue(QueuedOperation operation)
    {
        lock (_gate)
        {
            if (_ids.Add(operation.Id))
            {
                _pending.Add(operation);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var set = ids.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            _pending.RemoveAll(p => set.Contains(p.Id));
            _ids.ExceptWith(set);
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
