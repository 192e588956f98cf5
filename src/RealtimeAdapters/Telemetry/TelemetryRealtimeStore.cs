using System.Diagnostics;

namespace RealtimeAdapters.Telemetry;

/// <summary>
/// Records metrics, activities and failure logs around every operation of a store, follows its connection state, and
/// measures the provider-specific operations helpers run through <see cref="IProviderOperationObserver"/>.
/// </summary>
internal sealed class TelemetryRealtimeStore : DelegatingRealtimeStore, IProviderOperationObserver
{
    private const int MaxTrackedWrites = 1024;
    private static readonly TimeSpan TrackedWriteLifetime = TimeSpan.FromMinutes(1);

    // Writes in flight toward this store's own listeners, oldest first (for realtime.store.write.latency).
    private readonly LinkedList<(RealtimePath Path, long Started, string Operation)> _writes = new();
    private readonly Lock _writesGate = new();
    private readonly RealtimeInstruments _instruments;
    private readonly string _providerName;
    private readonly ConnectionTelemetry? _connection;

    public TelemetryRealtimeStore(IRealtimeStore innerStore, RealtimeInstruments instruments)
        : base(innerStore)
    {
        _instruments = instruments;
        _providerName = innerStore.Metadata.ProviderName;
        _connection = ConnectionTelemetry.Start(() => innerStore.Connection, instruments, _providerName);
    }

    public override ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return TrackAsync("get", query.Path, () => base.GetAsync(query, cancellationToken));
    }

    public override ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default) =>
        TrackWriteAsync("set", path, () => base.SetAsync(path, value, cancellationToken));

    public override ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default) =>
        TrackWriteAsync("update", path, () => base.UpdateAsync(path, updates, cancellationToken));

    public override ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default) =>
        TrackWriteAsync("push", parent, () => base.PushAsync(parent, value, cancellationToken));

    public override ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default) =>
        TrackWriteAsync("set_priority", path, () => base.SetPriorityAsync(path, priority, cancellationToken));

    public override ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default) =>
        TrackAsync("on_disconnect", path, () => base.OnDisconnectAsync(path, operation, cancellationToken));

    public override ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default) =>
        TrackWriteAsync("transaction", path, async () =>
        {
            var result = await base.RunTransactionAsync(path, update, options, cancellationToken).ConfigureAwait(false);
            Activity.Current?.SetTag("realtime.transaction.attempts", result.Attempts);
            Activity.Current?.SetTag("realtime.transaction.committed", result.Committed);
            return result;
        });

    public override async ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Unlike a channel attach, a watch is timed until the provider has set it up.
        var subscription = await TrackAsync("watch", query.Path, () => base.WatchAsync(query, options, cancellationToken)).ConfigureAwait(false);
        return new ObservedSubscription<StoreEvent>(
            subscription,
            _instruments,
            _providerName,
            e =>
            {
                _instruments.StoreEvents.Add(1, new TagList
                {
                    { RealtimeDiagnostics.ProviderTag, _providerName },
                    { RealtimeDiagnostics.EventKindTag, KindName(e.Kind) },
                });
                WriteSeen(e.Snapshot.Path);
            },
            ex => _instruments.RecordSubscriptionFailure(_providerName, "watch", ex));
    }

    /// <inheritdoc />
    public ValueTask<TResult> ObserveAsync<TResult>(string operationName, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return _instruments.TrackAsync(_instruments.StoreOperationDuration, _providerName, operationName, "realtime.store." + operationName, () => operation(cancellationToken));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ValueTask<T> TrackWriteAsync<T>(string operation, RealtimePath path, Func<ValueTask<T>> call)
    {
        var write = WriteStarted(operation, path);
        return TrackAsync(operation, path, async () =>
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch
            {
                WriteFailed(write);
                throw;
            }
        });
    }

    private ValueTask TrackWriteAsync(string operation, RealtimePath path, Func<ValueTask> call)
    {
        var write = WriteStarted(operation, path);
        return TrackAsync(operation, path, async () =>
        {
            try
            {
                await call().ConfigureAwait(false);
            }
            catch
            {
                WriteFailed(write);
                throw;
            }
        });
    }

    private LinkedListNode<(RealtimePath Path, long Started, string Operation)> WriteStarted(string operation, RealtimePath path)
    {
        var started = _instruments.TimeProvider.GetTimestamp();
        lock (_writesGate)
        {
            if (_writes.Count >= MaxTrackedWrites)
            {
                _writes.RemoveFirst();
            }

            return _writes.AddLast((path, started, operation));
        }
    }

    /// <summary>A write that failed changes nothing for listeners to see.</summary>
    private void WriteFailed(LinkedListNode<(RealtimePath Path, long Started, string Operation)> write)
    {
        lock (_writesGate)
        {
            if (write.List == _writes)
            {
                _writes.Remove(write);
            }
        }
    }

    /// <summary>An event at <paramref name="path"/> was read: the oldest write in flight at an overlapping path has been seen.</summary>
    private void WriteSeen(RealtimePath path)
    {
        var now = _instruments.TimeProvider.GetTimestamp();
        (long Started, string Operation)? seen = null;
        lock (_writesGate)
        {
            for (var node = _writes.First; node is not null;)
            {
                var next = node.Next;
                if (_instruments.TimeProvider.GetElapsedTime(node.Value.Started, now) > TrackedWriteLifetime)
                {
                    _writes.Remove(node);
                }
                else if (node.Value.Path.Overlaps(path))
                {
                    seen = (node.Value.Started, node.Value.Operation);
                    _writes.Remove(node);
                    break;
                }

                node = next;
            }
        }

        if (seen is { } write)
        {
            _instruments.StoreWriteLatency.Record(
                _instruments.TimeProvider.GetElapsedTime(write.Started, now).TotalSeconds,
                new TagList { { RealtimeDiagnostics.ProviderTag, _providerName }, { RealtimeDiagnostics.OperationTag, write.Operation } });
        }
    }

    private ValueTask<T> TrackAsync<T>(string operation, RealtimePath path, Func<ValueTask<T>> call) =>
        _instruments.TrackAsync(_instruments.StoreOperationDuration, _providerName, operation, "realtime.store." + operation, call, a => a.SetTag("realtime.path", path.ToString()));

    private ValueTask TrackAsync(string operation, RealtimePath path, Func<ValueTask> call) =>
        _instruments.TrackAsync(_instruments.StoreOperationDuration, _providerName, operation, "realtime.store." + operation, call, a => a.SetTag("realtime.path", path.ToString()));

    private static string KindName(StoreEventKind kind) => kind switch
    {
        StoreEventKind.Value => "value",
        StoreEventKind.ChildAdded => "child_added",
        StoreEventKind.ChildChanged => "child_changed",
        StoreEventKind.ChildRemoved => "child_removed",
        StoreEventKind.ChildMoved => "child_moved",
        _ => "other",
    };
}
