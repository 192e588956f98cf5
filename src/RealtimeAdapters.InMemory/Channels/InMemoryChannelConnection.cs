namespace RealtimeAdapters.InMemory;

/// <summary>
/// The connection of an <see cref="InMemoryChannelClient"/>: <see cref="ConnectionState.Connected"/> from creation (there
/// is no network to lose); closing goes through <see cref="ConnectionState.Closing"/> to <see cref="ConnectionState.Closed"/>.
/// </summary>
internal sealed class InMemoryChannelConnection : IRealtimeConnection
{
    private readonly Lock _gate = new();
    private readonly Action _shutdown;
    private RealtimeSubscription<ConnectionStateChange>[] _watchers = [];
    private ConnectionState _state = ConnectionState.Connected;
    private ConnectionStateChange? _lastChange;
    private TaskCompletionSource? _closed;

    /// <param name="shutdown">Runs while closing, between Closing and Closed: the client's presence leaves and subscriptions end.</param>
    public InMemoryChannelConnection(Action shutdown) => _shutdown = shutdown;

    public ConnectionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public ConnectionStateChange? LastChange
    {
        get
        {
            lock (_gate)
            {
                return _lastChange;
            }
        }
    }

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null)
    {
        RealtimeSubscription<ConnectionStateChange>? subscription = null;
        subscription = new RealtimeSubscription<ConnectionStateChange>(buffer, () =>
        {
            lock (_gate)
            {
                _watchers = Array.FindAll(_watchers, w => !ReferenceEquals(w, subscription));
            }

            return default;
        });

        lock (_gate)
        {
            if (_state == ConnectionState.Closed)
            {
                subscription.Complete();
            }
            else
            {
                _watchers = [.. _watchers, subscription];
            }
        }

        return subscription;
    }

    public ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return State == ConnectionState.Connected
            ? default
            : ValueTask.FromException(new RealtimeConnectionException("The InMemory channel client is closed; create a new client to connect again.")
            {
                ErrorCode = "80017",
                ProviderName = InMemoryChannelClient.ProviderName,
            });
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        TaskCompletionSource closed;
        lock (_gate)
        {
            if (_closed is not null)
            {
                // Another caller is closing (or has closed): completes when it is done.
                return new ValueTask(_closed.Task.WaitAsync(cancellationToken));
            }

            closed = _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            MoveToLocked(ConnectionState.Closing);
        }

        try
        {
            _shutdown();
        }
        finally
        {
            lock (_gate)
            {
                MoveToLocked(ConnectionState.Closed);
                foreach (var watcher in _watchers)
                {
                    watcher.Complete();
                }

                _watchers = [];
            }

            closed.SetResult();
        }

        return default;
    }

    // Writes under the lock so that every watcher sees the transitions in order.
    private void MoveToLocked(ConnectionState next)
    {
        var change = new ConnectionStateChange(_state, next);
        _state = next;
        _lastChange = change;
        foreach (var watcher in _watchers)
        {
            watcher.TryWrite(change);
        }
    }
}
