namespace RealtimeAdapters;

/// <summary>
/// A store that passes every call to an inner store: the base of decorators (telemetry, logging, caching, ...). Override
/// the members to intercept; the rest keep passing through. Disposing it disposes the inner store.
/// </summary>
public class DelegatingRealtimeStore : IRealtimeStore
{
    /// <summary>Creates a decorator over <paramref name="innerStore"/>.</summary>
    /// <param name="innerStore">The store calls are passed to.</param>
    protected DelegatingRealtimeStore(IRealtimeStore innerStore)
    {
        ArgumentNullException.ThrowIfNull(innerStore);
        InnerStore = innerStore;
    }

    /// <summary>The store calls are passed to.</summary>
    protected IRealtimeStore InnerStore { get; }

    /// <inheritdoc />
    public virtual RealtimeProviderMetadata Metadata => InnerStore.Metadata;

    /// <inheritdoc />
    public virtual IRealtimeConnection Connection => InnerStore.Connection;

    /// <inheritdoc />
    public virtual ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default) =>
        InnerStore.GetAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default) =>
        InnerStore.SetAsync(path, value, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default) =>
        InnerStore.UpdateAsync(path, updates, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default) =>
        InnerStore.PushAsync(parent, value, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default) =>
        InnerStore.SetPriorityAsync(path, priority, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default) =>
        InnerStore.RunTransactionAsync(path, update, options, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerStore.WatchAsync(query, options, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default) =>
        InnerStore.OnDisconnectAsync(path, operation, cancellationToken);

    /// <summary>
    /// Returns this decorator when it is of the requested type (and no key is given), otherwise asks the inner store, so
    /// that the provider's raw client stays reachable through any number of decorators.
    /// </summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">An optional key.</param>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerStore.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes the inner store.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the decorator's resources and disposes the inner store; override to add clean-up, calling the base.</summary>
    protected virtual ValueTask DisposeAsyncCore() => InnerStore.DisposeAsync();
}
