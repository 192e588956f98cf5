namespace RealtimeAdapters.InMemory;

/// <summary>
/// The connection of an <see cref="InMemoryRealtimeStore"/>: there is no network, so it is connected from creation and
/// only ever moves to <see cref="ConnectionState.Closing"/> and <see cref="ConnectionState.Closed"/> when closed.
/// </summary>
internal sealed class InMemoryConnection : IRealtimeConnection
{
    private readonly ConnectionStateTracker _tracker = new(ConnectionState.Connected);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _onClosing;

    public InMemoryConnection(Action onClosing) => _onClosing = onClosing;

    public ConnectionState State => _tracker.State;

    public ConnectionStateChange? LastChange => _tracker.LastChange;

    /// <summary>Whether a close has begun; the store refuses operations from then on.</summary>
    public bool IsClosing => _tracker.IsEnded;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _tracker.Watch(buffer);

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

        if (!_tracker.TryTransition(ConnectionState.Closing))
        {
            // Another caller is closing or has closed: wait for the same end.
            return new ValueTask(_closed.Task.WaitAsync(cancellationToken));
        }

        try
        {
            _onClosing();
        }
        finally
        {
            _tracker.TryTransition(ConnectionState.Closed);
            _closed.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }
}
