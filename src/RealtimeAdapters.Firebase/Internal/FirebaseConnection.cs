namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// The store's connection state: the honest aggregate of everything that connects it. Each source (the realtime socket,
/// each SSE stream, the REST requests) reports its own state; the store is Disconnected while any of them is (with the
/// earliest retry time), Connecting while any is connecting, and Connected only when all are, so a stream backing off
/// is never hidden by a request that succeeded elsewhere. Closing and Closed, set by the store, end it.
/// </summary>
internal sealed class FirebaseConnection(FirebaseRealtimeStore store) : IRealtimeConnection
{
    private readonly ConnectionStateTracker _tracker = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<object, (ConnectionState State, RealtimeException? Reason, DateTimeOffset? RetryAt)> _sources = [];
    private readonly object _requests = new();

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

    /// <summary>What the REST requests last saw (Closing and Closed: the store itself ends).</summary>
    public void Transition(ConnectionState next, RealtimeException? reason = null, DateTimeOffset? retryAt = null)
    {
        if (next is ConnectionState.Closing or ConnectionState.Closed)
        {
            _tracker.TryTransition(next, reason, retryAt);
            return;
        }

        Report(_requests, next, reason, retryAt);
    }

    /// <summary>A source's own state; the store's is recomputed from all of them.</summary>
    public void Report(object source, ConnectionState state, RealtimeException? reason = null, DateTimeOffset? retryAt = null)
    {
        lock (_gate)
        {
            _sources[source] = (state, reason, retryAt);
            Publish();
        }
    }

    /// <summary>A source that ended (a closed stream) no longer counts.</summary>
    public void Forget(object source)
    {
        lock (_gate)
        {
            if (_sources.Remove(source))
            {
                Publish();
            }
        }
    }

    private void Publish()
    {
        (ConnectionState State, RealtimeException? Reason, DateTimeOffset? RetryAt)? worst = null;
        foreach (var current in _sources.Values)
        {
            if (worst is not { } w || Rank(current.State) > Rank(w.State) ||
                (current.State == w.State && current.RetryAt is { } at && (w.RetryAt is null || at < w.RetryAt)))
            {
                worst = current;
            }
        }

        if (worst is { } chosen)
        {
            _tracker.TryTransition(chosen.State, chosen.Reason, chosen.RetryAt);
        }
    }

    private static int Rank(ConnectionState state) => state switch
    {
        ConnectionState.Connected => 0,
        ConnectionState.Connecting => 1,
        ConnectionState.Disconnected => 2,
        _ => 3,
    };
}
