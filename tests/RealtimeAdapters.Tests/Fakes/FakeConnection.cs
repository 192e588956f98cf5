namespace RealtimeAdapters.Tests.Fakes;

/// <summary>A connection whose state a test sets (<see cref="State"/>) or moves through changes its watchers see (<see cref="Transition"/>).</summary>
internal sealed class FakeConnection : IRealtimeConnection
{
    private readonly Lock _gate = new();
    private readonly List<RealtimeSubscription<ConnectionStateChange>> _watchers = [];

    public ConnectionState State { get; set; } = ConnectionState.Connected;

    public ConnectionStateChange? LastChange { get; set; }

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null)
    {
        var watcher = new RealtimeSubscription<ConnectionStateChange>(buffer);
        lock (_gate)
        {
            _watchers.Add(watcher);
        }

        return watcher;
    }

    /// <summary>Moves to <paramref name="next"/> and tells every watcher.</summary>
    public void Transition(ConnectionState next)
    {
        lock (_gate)
        {
            LastChange = new ConnectionStateChange(State, next);
            State = next;
            foreach (var watcher in _watchers)
            {
                watcher.TryWrite(LastChange);
            }
        }
    }

    public ValueTask ConnectAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask CloseAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
