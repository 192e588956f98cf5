namespace RealtimeAdapters;

/// <summary>Shorthands for <see cref="IRealtimeStore.OnDisconnectAsync"/>, named after Firebase's <c>onDisconnect()</c> methods.</summary>
/// <example><code>
/// // Presence: online while connected, removed by the backend when this client drops.
/// await store.OnDisconnectRemoveAsync($"status/{userId}");
/// await store.SetAsync($"status/{userId}", "online");
/// </code></example>
public static class OnDisconnectExtensions
{
    /// <summary>When this client's connection is lost, the backend sets <paramref name="path"/> to <paramref name="value"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="value">The value (server values are resolved at the disconnect).</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    public static ValueTask OnDisconnectSetAsync(this IRealtimeStore store, RealtimePath path, DataNode value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.OnDisconnectAsync(path, OnDisconnectOperation.Set(value), cancellationToken);
    }

    /// <summary>When this client's connection is lost, the backend writes each entry below <paramref name="path"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The common location.</param>
    /// <param name="updates">Relative paths and values.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    public static ValueTask OnDisconnectUpdateAsync(this IRealtimeStore store, RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.OnDisconnectAsync(path, OnDisconnectOperation.Update(updates), cancellationToken);
    }

    /// <summary>When this client's connection is lost, the backend removes <paramref name="path"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    public static ValueTask OnDisconnectRemoveAsync(this IRealtimeStore store, RealtimePath path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.OnDisconnectAsync(path, OnDisconnectOperation.Remove(), cancellationToken);
    }

    /// <summary>Forgets the on-disconnect operations registered at <paramref name="path"/> and below it.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public static ValueTask CancelOnDisconnectAsync(this IRealtimeStore store, RealtimePath path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.OnDisconnectAsync(path, OnDisconnectOperation.Cancel(), cancellationToken);
    }
}
