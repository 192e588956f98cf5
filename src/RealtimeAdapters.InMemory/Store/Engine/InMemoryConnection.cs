namespace RealtimeAdapters.InMemory;

/// <summary>
/// The connection of an <see cref="InMemoryRealtimeStore"/>: there is no network, so it is connected from creation and
/// only ever moves to <see cref="ConnectionState.Closing"/> and <see cref="ConnectionState.Closed"/> when closed.
/// </summary>
internal sealed class InMemoryConnection : IRealtimeConnection
{
    private readonly Lock _gate = new();
    private readonly List<RealtimeSubscription<ConnectionStateChange>> _watchers = [];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _onClosing;
    private ConnectionState _state = ConnectionState.Connected;
    private ConnectionStateChange? _lastChange = new(ConnectionState.Initialized, ConnectionState.Connected);

    public InMemoryConnection(Action onClosing) => _onClosing = onClosing;

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

    /// <summary>Whether a close has begun; the store refuses operations from then on.</summary>
    public bool IsClosing => State is ConnectionState.Closing or ConnectionState.Closed;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null)
    {
        RealtimeSubscription<ConnectionStateChange>? subscription = null;
        subscription = new RealtimeSubscription<ConnectionStateChange>(buffer, () =>
        {
            lock (_gate)
            {
                _watchers.Remove(subscription!);
            }

            return ValueTask.CompletedTask;
        });

        lock (_gate)
        {
            if (_state == ConnectionState.Closed)
            {
                subscription.Complete();
            }
            else
            {
                _watchers.Add(subscription);
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

        return IsClosing
            ? ValueTask.FromException(new RealtimeConnectionException("The InMemory store has been closed; create a new store to connect again.") { ProviderName = "InMemory" })
            : ValueTask.CompletedTask;
    }

    public ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        lock (_gate)
        {
            if (_state != ConnectionState.Connected)
            {
                // Another caller is closing or has closed: wait for the same end.
                return new ValueTask(_closed.Task.WaitAsync(cancellationToken));
            }

            MoveTo(ConnectionState.Closing);
        }

        try
        {
            _onClosing();
        }
        finally
        {
            lock (_gate)
            {
                MoveTo(ConnectionState.Closed);
                foreach (var watcher in _watchers)
                {
                    watcher.Complete();
                }

                _watchers.Clear();
            }

            _closed.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }

    private void MoveTo(ConnectionState state)
    {
        var change = new ConnectionStateChange(_state, state);
        _state = state;
        _lastChange = change;
        foreach (var watcher in _watchers)
        {
            watcher.TryWrite(change);
        }
    }
}
