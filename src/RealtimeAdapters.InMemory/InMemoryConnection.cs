namespace RealtimeAdapters.InMemory;

/// <summary>
/// The connection of an in-memory store or channel client: there is no network, so it is connected from creation and
/// only ever moves through <see cref="ConnectionState.Closing"/> to <see cref="ConnectionState.Closed"/> when closed.
/// </summary>
internal sealed class InMemoryConnection : IRealtimeConnection
{
    private readonly ConnectionStateTracker _tracker = new(ConnectionState.Connected);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _onClosing;
    private readonly Func<RealtimeConnectionException> _closedError;

    /// <param name="onClosing">Runs while closing, between Closing and Closed (watches and subscriptions end, presence leaves).</param>
    /// <param name="closedError">The error <see cref="ConnectAsync"/> throws once closed.</param>
    public InMemoryConnection(Action onClosing, Func<RealtimeConnectionException> closedError)
    {
        _onClosing = onClosing;
        _closedError = closedError;
    }

    public ConnectionState State => _tracker.State;

    public ConnectionStateChange? LastChange => _tracker.LastChange;

    /// <summary>Whether a close has begun; the owner refuses operations from then on.</summary>
    public bool IsClosing => _tracker.IsEnded;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _tracker.Watch(buffer);

    public ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return IsClosing ? ValueTask.FromException(_closedError()) : ValueTask.CompletedTask;
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
