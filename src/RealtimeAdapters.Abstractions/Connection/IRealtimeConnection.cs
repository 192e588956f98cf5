namespace RealtimeAdapters;

/// <summary>A provider's connection to its backend, with an observable state.</summary>
public interface IRealtimeConnection
{
    /// <summary>The current state.</summary>
    ConnectionState State { get; }

    /// <summary>The last transition, or <see langword="null"/> before the first.</summary>
    ConnectionStateChange? LastChange { get; }

    /// <summary>
    /// Streams state transitions from now on. The stream ends when the connection reaches
    /// <see cref="ConnectionState.Closed"/> or <see cref="ConnectionState.Failed"/>, or when the subscription is disposed.
    /// </summary>
    /// <param name="buffer">How many transitions may wait for a slow reader, and what happens beyond that.</param>
    IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null);

    /// <summary>Connects if not connected; completes when connected.</summary>
    /// <param name="cancellationToken">Cancels the wait (the connection attempt continues in the background).</param>
    /// <exception cref="RealtimeConnectionException">The connection failed or was closed.</exception>
    ValueTask ConnectAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes the connection; further operations fail. Idempotent.</summary>
    /// <param name="cancellationToken">Cancels the wait for an orderly close.</param>
    ValueTask CloseAsync(CancellationToken cancellationToken = default);
}
