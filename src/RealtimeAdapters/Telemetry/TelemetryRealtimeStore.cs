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

    public override async ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var operation = Start("get", "realtime.store.get", query.Path);
        try
        {
            var snapshot = await base.GetAsync(query, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
            return snapshot;
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    public override async ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default)
    {
        var operation = Start("set", "realtime.store.set", path);
        try
        {
            await base.SetAsync(path, value, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    public override async ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default)
    {
        var operation = Start("update", "realtime.store.update", path);
        try
        {
            await base.UpdateAsync(path, updates, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    public override async ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default)
    {
        var operation = Start("push", "realtime.store.push", parent);
        try
        {
            var path = await base.PushAsync(parent, value, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
            return path;
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    public override async ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default)
    {
        var operation = Start("set_priority", "realtime.store.set_priority", path);
        try
        {
            await base.SetPriorityAsync(path, priority, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

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
