namespace RealtimeAdapters.Tests.Fakes;

/// <summary>Stands for "another provider" (say Firebase): reads return nothing, writes can be made to fail.</summary>
internal sealed class FakeProviderStore : IRealtimeStore
{
    public const string Name = "FakeProvider";

    public Exception? FailWith { get; set; }

    public int SetCalls { get; private set; }

    public bool IsDisposed { get; private set; }

    public RealtimeProviderMetadata Metadata { get; } = new(Name, RealtimeCapabilities.Store);

    public FakeConnection FakeConnection { get; } = new();

    public IRealtimeConnection Connection => FakeConnection;

    public ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new DataSnapshot(query.Path, DataNode.Null));

    public ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default)
    {
        SetCalls++;
        return FailWith is null ? ValueTask.CompletedTask : ValueTask.FromException(FailWith);
    }

    public ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default) => ValueTask.FromResult(parent.Child("id"));

    public ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<TransactionResult> RunTransactionAsync(RealtimePath path, Func<DataSnapshot, TransactionDecision> update, TransactionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new RealtimeNotSupportedException(Name, RealtimeCapabilities.Transactions);

    public ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default) =>
        throw new RealtimeNotSupportedException(Name, RealtimeCapabilities.OnDisconnect);

    public ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IRealtimeSubscription<StoreEvent>>(new RealtimeSubscription<StoreEvent>());

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public ValueTask DisposeAsync()
    {
        IsDisposed = true;
        return ValueTask.CompletedTask;
    }
}
