using System.Diagnostics;

namespace RealtimeAdapters.Telemetry;

/// <summary>Records metrics, activities and failure logs around every operation of a store.</summary>
internal sealed class TelemetryRealtimeStore : DelegatingRealtimeStore
{
    private readonly RealtimeInstruments _instruments;
    private readonly string _providerName;

    public TelemetryRealtimeStore(IRealtimeStore innerStore, RealtimeInstruments instruments)
        : base(innerStore)
    {
        _instruments = instruments;
        _providerName = innerStore.Metadata.ProviderName;
    }

    public override ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return TrackAsync("get", "realtime.store.get", query.Path, () => base.GetAsync(query, cancellationToken));
    }

    public override ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default) =>
        TrackAsync("set", "realtime.store.set", path, () => base.SetAsync(path, value, cancellationToken));

    public override ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default) =>
        TrackAsync("update", "realtime.store.update", path, () => base.UpdateAsync(path, updates, cancellationToken));

    public override ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default) =>
        TrackAsync("push", "realtime.store.push", parent, () => base.PushAsync(parent, value, cancellationToken));

    public override ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default) =>
        TrackAsync("set_priority", "realtime.store.set_priority", path, () => base.SetPriorityAsync(path, priority, cancellationToken));

    public override ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default) =>
        TrackAsync("on_disconnect", "realtime.store.on_disconnect", path, () => base.OnDisconnectAsync(path, operation, cancellationToken));

    public override async ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var operation = Start("transaction", "realtime.store.transaction", path);
        try
        {
            var result = await base.RunTransactionAsync(path, update, options, cancellationToken).ConfigureAwait(false);
            operation.Activity?.SetTag("realtime.transaction.attempts", result.Attempts);
            operation.Activity?.SetTag("realtime.transaction.committed", result.Committed);
            operation.Succeeded();
            return result;
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    public override async ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var operation = Start("watch", "realtime.store.watch", query.Path);
        IRealtimeSubscription<StoreEvent> subscription;
        try
        {
            subscription = await base.WatchAsync(query, options, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }

        return new ObservedSubscription<StoreEvent>(
            subscription,
            e => _instruments.StoreEvents.Add(1, new TagList
            {
                { RealtimeDiagnostics.ProviderTag, _providerName },
                { RealtimeDiagnostics.EventKindTag, KindName(e.Kind) },
            }),
            ex => _instruments.RecordSubscriptionFailure(_providerName, "watch", ex));
    }

    // One measured call: duration, activity and failure log around the inner store's operation.
    private async ValueTask<T> TrackAsync<T>(string operationName, string activityName, RealtimePath path, Func<ValueTask<T>> call)
    {
        var operation = Start(operationName, activityName, path);
        try
        {
            var result = await call().ConfigureAwait(false);
            operation.Succeeded();
            return result;
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    private async ValueTask TrackAsync(string operationName, string activityName, RealtimePath path, Func<ValueTask> call) =>
        await TrackAsync(operationName, activityName, path, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);

    private TelemetryOperation Start(string operation, string activityName, RealtimePath? path)
    {
        var started = _instruments.Start(_instruments.StoreOperationDuration, _providerName, operation, activityName);
        if (path is not null)
        {
            started.Activity?.SetTag("realtime.path", path.ToString());
        }

        return started;
    }

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
