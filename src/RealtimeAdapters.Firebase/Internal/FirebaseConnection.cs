namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// The store's connection state. REST is stateless, so the state follows what the store last saw: any HTTP answer means
/// Connected; a stream that is reconnecting reports Connecting, then Disconnected with its next retry time.
/// </summary>
internal sealed class FirebaseConnection(FirebaseRealtimeStore store) : IRealtimeConnection
{
    private readonly Lock _lock = new();
    private readonly List<RealtimeSubscription<ConnectionStateChange>> _watchers = [];
    private ConnectionState _state = ConnectionState.Initialized;
    private ConnectionStateChange? _last;

    public ConnectionState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public ConnectionStateChange? LastChange
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    public bool IsClosed => State is ConnectionState.Closing or ConnectionState.Closed;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null)
    {
        RealtimeSubscription<ConnectionStateChange>? sub = null;
        sub = new RealtimeSubscription<ConnectionStateChange>(buffer, () =>
        {
            lock (_lock)
            {
                _watchers.Remove(sub!);
            }

            return default;
        });
        lock (_lock)
        {
            if (_state == ConnectionState.Closed)
            {
                sub.Complete();
                return sub;
            }

            _watchers.Add(sub);
        }

        return sub;
    }

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

    public void Transition(ConnectionState next, RealtimeException? reason = null, DateTimeOffset? retryAt = null)
    {
        List<RealtimeSubscription<ConnectionStateChange>>? watchers;
        ConnectionStateChange change;
        lock (_lock)
        {
            if (_state == ConnectionState.Closed || (_state == ConnectionState.Closing && next != ConnectionState.Closed))
            {
                return;
            }

            if (_state == next && next != ConnectionState.Disconnected)
            {
                return;
            }

            change = new ConnectionStateChange(_state, next, reason, retryAt);
            _state = next;
            _last = change;
            watchers = [.. _watchers];
            if (next == ConnectionState.Closed)
            {
                _watchers.Clear();
            }
        }

        foreach (var w in watchers)
        {
            w.TryWrite(change);
            if (next == ConnectionState.Closed)
            {
                w.Complete();
            }
        }
    }
}
