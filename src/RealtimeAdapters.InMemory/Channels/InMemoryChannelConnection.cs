namespace RealtimeAdapters.InMemory;

/// <summary>
/// The connection of an <see cref="InMemoryChannelClient"/>: <see cref="ConnectionState.Connected"/> from creation (there
/// is no network to lose); closing goes through <see cref="ConnectionState.Closing"/> to <see cref="ConnectionState.Closed"/>.
/// </summary>
internal sealed class InMemoryChannelConnection : IRealtimeConnection
{
    private readonly ConnectionStateTracker _tracker = new(ConnectionState.Connected);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _shutdown;

    /// <param name="shutdown">Runs while closing, between Closing and Closed: the client's presence leaves and subscriptions end.</param>
    public InMemoryChannelConnection(Action shutdown) => _shutdown = shutdown;

    public ConnectionState State => _tracker.State;

    public ConnectionStateChange? LastChange => _tracker.LastChange;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _tracker.Watch(buffer);

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

        if (!_tracker.TryTransition(ConnectionState.Closing))
        {
            // Another caller is closing (or has closed): completes when it is done.
            return new ValueTask(_closed.Task.WaitAsync(cancellationToken));
        }

        try
        {
            _shutdown();
        }
        finally
        {
            _tracker.TryTransition(ConnectionState.Closed);
            _closed.SetResult();
        }

        return default;
    }
}
