namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// The store's connection state. REST is stateless, so the state follows what the store last saw: any HTTP answer means
/// Connected; a stream that is reconnecting reports Connecting, then Disconnected with its next retry time.
/// </summary>
internal sealed class FirebaseConnection(FirebaseRealtimeStore store) : IRealtimeConnection
{
    private readonly ConnectionStateTracker _tracker = new();

    public ConnectionState State => _tracker.State;

    public ConnectionStateChange? LastChange => _tracker.LastChange;

    public bool IsClosed => _tracker.IsEnded;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _tracker.Watch(buffer);

    public async ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsClosed)
        {
            throw new RealtimeConnectionException("The Firebase store was closed.") { ProviderName = FirebaseRealtimeStore.Name };
        }

        if (State == ConnectionState.Connected)
        {
            return;
        }

        Transition(ConnectionState.Connecting);
        await store.ProbeAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken = default) =>
        await store.DisposeAsync().ConfigureAwait(false);

    public void Transition(ConnectionState next, RealtimeException? reason = null, DateTimeOffset? retryAt = null) =>
        _tracker.TryTransition(next, reason, retryAt);
}
