namespace RealtimeAdapters;

/// <summary>
/// The state half of an <see cref="IRealtimeConnection"/>, for provider authors: holds the current state and the last
/// transition, hands out <see cref="IRealtimeConnection.WatchState"/> subscriptions, and tells every watcher of each
/// transition in order. Terminal states (<see cref="ConnectionState.Closed"/>, <see cref="ConnectionState.Failed"/>) end the
/// watchers' streams and refuse further transitions. Thread-safe; never blocks on a slow watcher.
/// </summary>
public sealed class ConnectionStateTracker
{
    private readonly Lock _gate = new();
    private RealtimeSubscription<ConnectionStateChange>[] _watchers = [];
    private ConnectionState _state;
    private ConnectionStateChange? _lastChange;

    /// <summary>Creates a tracker in <see cref="ConnectionState.Initialized"/>.</summary>
    public ConnectionStateTracker()
        : this(ConnectionState.Initialized)
    {
    }

    /// <summary>Creates a tracker in a given state (e.g. <see cref="ConnectionState.Connected"/> for a provider without a network).</summary>
    /// <param name="initial">The starting state; when it is not <see cref="ConnectionState.Initialized"/>, <see cref="LastChange"/> records the move from Initialized.</param>
    public ConnectionStateTracker(ConnectionState initial)
    {
        _state = initial;
        _lastChange = initial == ConnectionState.Initialized ? null : new ConnectionStateChange(ConnectionState.Initialized, initial);
    }

    /// <summary>The current state.</summary>
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

    /// <summary>The last transition, or <see langword="null"/> before the first.</summary>
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

    /// <summary>Whether the connection is closing, closed or failed: it will not carry operations again.</summary>
    public bool IsEnded => State is ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed;

    /// <summary>Streams transitions from now on; the stream ends at once if the connection has already ended.</summary>
    /// <param name="buffer">The watcher's buffer.</param>
    public IRealtimeSubscription<ConnectionStateChange> Watch(SubscriptionBufferOptions? buffer = null)
    {
        RealtimeSubscription<ConnectionStateChange>? subscription = null;
        subscription = new RealtimeSubscription<ConnectionStateChange>(buffer, () =>
        {
            lock (_gate)
            {
                _watchers = Array.FindAll(_watchers, w => !ReferenceEquals(w, subscription));
            }

            return ValueTask.CompletedTask;
        });

        lock (_gate)
        {
            if (IsTerminal(_state))
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

    /// <summary>
    /// Moves to <paramref name="next"/> and tells every watcher. Refused (returns <see langword="false"/>) after a terminal
    /// state, and while closing for anything but <see cref="ConnectionState.Closed"/> or <see cref="ConnectionState.Failed"/>.
    /// A repeat of the current state is ignored, except <see cref="ConnectionState.Disconnected"/>, whose repeats carry a
    /// new reason and retry time.
    /// </summary>
    /// <param name="next">The new state.</param>
    /// <param name="reason">The error that caused it, if any.</param>
    /// <param name="retryAt">When the next attempt is due, for disconnected and suspended states.</param>
    public bool TryTransition(ConnectionState next, RealtimeException? reason = null, DateTimeOffset? retryAt = null)
    {
        lock (_gate)
        {
            if (IsTerminal(_state) ||
                (_state == ConnectionState.Closing && next is not (ConnectionState.Closed or ConnectionState.Failed)) ||
                (_state == next && next != ConnectionState.Disconnected))
            {
                return false;
            }

            var change = new ConnectionStateChange(_state, next, reason, retryAt);
            _state = next;
            _lastChange = change;

            // Written under the lock so that every watcher sees the transitions in the same order; TryWrite never waits.
            foreach (var watcher in _watchers)
            {
                watcher.TryWrite(change);
                if (IsTerminal(next))
                {
                    watcher.Complete();
                }
            }

            if (IsTerminal(next))
            {
                _watchers = [];
            }

            return true;
        }
    }

    private static bool IsTerminal(ConnectionState state) => state is ConnectionState.Closed or ConnectionState.Failed;
}
