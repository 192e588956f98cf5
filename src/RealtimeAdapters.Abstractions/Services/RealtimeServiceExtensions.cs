namespace RealtimeAdapters;

/// <summary>
/// Typed access to what a store or channel client offers through <c>GetService</c>: the provider's own client (for its
/// specific API) and its options, reachable through any number of decorators.
/// </summary>
public static class RealtimeServiceExtensions
{
    /// <summary>The service of type <typeparamref name="TService"/> the store (or a decorator around it) offers, or <see langword="null"/>.</summary>
    /// <typeparam name="TService">The requested type, e.g. the provider's store class.</typeparam>
    /// <param name="store">The store, decorated or not.</param>
    /// <param name="serviceKey">An optional key.</param>
    public static TService? GetService<TService>(this IRealtimeStore store, object? serviceKey = null)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.GetService(typeof(TService), serviceKey) as TService;
    }

    /// <summary>The service of type <typeparamref name="TService"/> the channel client (or a decorator around it) offers, or <see langword="null"/>.</summary>
    /// <typeparam name="TService">The requested type, e.g. the provider's client class.</typeparam>
    /// <param name="client">The channel client, decorated or not.</param>
    /// <param name="serviceKey">An optional key.</param>
    public static TService? GetService<TService>(this IChannelClient client, object? serviceKey = null)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetService(typeof(TService), serviceKey) as TService;
    }

    /// <summary>The service of type <typeparamref name="TService"/> the store offers.</summary>
    /// <typeparam name="TService">The requested type.</typeparam>
    /// <param name="store">The store, decorated or not.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <exception cref="RealtimeNotSupportedException">The store offers no such service (another provider stands behind it).</exception>
    public static TService GetRequiredService<TService>(this IRealtimeStore store, object? serviceKey = null)
        where TService : class =>
        store.GetService<TService>(serviceKey) ?? throw Missing(typeof(TService), store.Metadata.ProviderName, "store");

    /// <summary>The service of type <typeparamref name="TService"/> the channel client offers.</summary>
    /// <typeparam name="TService">The requested type.</typeparam>
    /// <param name="client">The channel client, decorated or not.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <exception cref="RealtimeNotSupportedException">The client offers no such service (another provider stands behind it).</exception>
    public static TService GetRequiredService<TService>(this IChannelClient client, object? serviceKey = null)
        where TService : class =>
        client.GetService<TService>(serviceKey) ?? throw Missing(typeof(TService), client.Metadata.ProviderName, "channel client");

    /// <summary>
    /// Runs a provider-specific operation of <paramref name="store"/>'s provider through the store's decorators that observe
    /// operations (<see cref="IProviderOperationObserver"/>: telemetry), or directly when none does.
    /// </summary>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="store">The store, decorated or not.</param>
    /// <param name="operationName">A short lower-case name, e.g. <c>get_shallow</c>.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    public static ValueTask<TResult> ObserveAsync<TResult>(this IRealtimeStore store, string operationName, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Observe(store.GetService<IProviderOperationObserver>(), operationName, operation, cancellationToken);
    }

    /// <summary>
    /// Runs a provider-specific operation of <paramref name="client"/>'s provider through the client's decorators that
    /// observe operations (<see cref="IProviderOperationObserver"/>: telemetry), or directly when none does.
    /// </summary>
    /// <typeparam name="TResult">The operation's result.</typeparam>
    /// <param name="client">The channel client, decorated or not.</param>
    /// <param name="operationName">A short lower-case name, e.g. <c>detach</c>.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Passed to <paramref name="operation"/>.</param>
    public static ValueTask<TResult> ObserveAsync<TResult>(this IChannelClient client, string operationName, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Observe(client.GetService<IProviderOperationObserver>(), operationName, operation, cancellationToken);
    }

    private static ValueTask<TResult> Observe<TResult>(IProviderOperationObserver? observer, string operationName, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operationName);
        ArgumentNullException.ThrowIfNull(operation);
        return observer is null ? operation(cancellationToken) : observer.ObserveAsync(operationName, operation, cancellationToken);
    }

    private static RealtimeNotSupportedException Missing(Type serviceType, string providerName, string what) =>
        new($"The {what} ({providerName} provider) offers no {serviceType.Name}: this call needs another provider.")
        {
            ProviderName = providerName,
        };
}
