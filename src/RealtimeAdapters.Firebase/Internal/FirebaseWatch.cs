namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// One watched (path, query) of a store, shared by every watch on it and closed with the last one, whatever carries the
/// server's changes (an SSE stream, or a listen on the realtime socket). Holds the <see cref="WatchedView"/>: server
/// changes and this store's unconfirmed writes are applied to it, and its local tree on the shared engine raises the
/// listeners' events.
/// </summary>
internal abstract class FirebaseWatch
{
    private readonly TaskCompletionSource _initial = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly WatchedView _view;
    private bool _ended;

    protected FirebaseWatch(FirebaseRealtimeStore store, RealtimeQuery query, string key, List<LocalWrite>? overlay)
    {
        Store = store;
        Query = query;
        Key = key;
        _view = new WatchedView(query, store.Time, overlay ?? []);
    }

    public RealtimeQuery Query { get; }

    /// <summary>Completes when the first full value arrived (or the watch ended).</summary>
    public Task Initial => _initial.Task;

    public string Key { get; }

    protected FirebaseRealtimeStore Store { get; }

    /// <summary>Serialises every change of the view and of the listener list.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>Whether the server's first full value arrived.</summary>
    protected bool HasInitial => _view.HasInitial;

    /// <summary>The server's value as the view holds it (what a hash of the cache describes).</summary>
    protected DataNode ServerValue => _view.ServerValue;

    /// <summary>Whether the transport was started for the first listener already (a second one only joins).</summary>
    protected abstract bool Started { get; }

    /// <summary>Adds a listener; false when the watch already ended (the caller makes a new one).</summary>
    /// <param name="subscription">The listener's stream.</param>
    /// <param name="events">The events it wants.</param>
    /// <param name="first">Whether it is the first listener: the caller then starts the transport.</param>
    public bool TryAdd(RealtimeSubscription<StoreEvent> subscription, StoreEventKind events, out bool first)
    {
        lock (Gate)
        {
            first = false;
            if (_ended)
            {
                return false;
            }

            first = _view.ListenerCount == 0 && !Started && !_view.HasInitial;
            _view.AddListener(subscription, events);
            return true;
        }
    }

    /// <summary>Starts carrying the server's changes (called once, for the first listener).</summary>
    public abstract void Start();

    public void Remove(RealtimeSubscription<StoreEvent> subscription)
    {
        lock (Gate)
        {
            _view.RemoveListener(subscription);
            if (_view.ListenerCount > 0 || _ended)
            {
                return;
            }

            _ended = true;
        }

        Store.ForgetWatch(this);
        Stop();
        _initial.TrySetResult();
    }

    /// <summary>Ends the watch and its listeners (with <paramref name="error"/>, or normally).</summary>
    public void End(Exception? error)
    {
        lock (Gate)
        {
            _ended = true;
            _view.Complete(error);
        }

        Store.ForgetWatch(this);
        Stop();
        _initial.TrySetResult();
    }

    /// <summary>Applies changes the server reported (see <see cref="WatchedView.ApplyServer"/>).</summary>
    public void ApplyServer(IReadOnlyList<ServerChange> changes, bool full)
    {
        lock (Gate)
        {
            if (_ended)
            {
                return;
            }

            if (_view.ApplyServer(changes, full))
            {
                _initial.TrySetResult();
            }
        }
    }

    /// <summary>Lays a local write over the view and reports the change at once, marked pending.</summary>
    public void AddWrite(LocalWrite write)
    {
        lock (Gate)
        {
            if (!_ended)
            {
                _view.AddWrite(write);
            }
        }
    }

    /// <summary>Puts <paramref name="replacement"/> in the place of <paramref name="write"/> (a transaction's next attempt) and reports the change once.</summary>
    public void ReplaceWrite(LocalWrite write, LocalWrite replacement)
    {
        lock (Gate)
        {
            if (!_ended)
            {
                _view.ReplaceWrite(write, replacement);
            }
        }
    }

    /// <summary>Takes a refused write out of the view and reports the rollback.</summary>
    public void RemoveWrite(LocalWrite write)
    {
        lock (Gate)
        {
            if (!_ended)
            {
                _view.RemoveWrite(write);
            }
        }
    }

    /// <summary>
    /// The database accepted <paramref name="write"/>. If the server already carried its change the server value is
    /// trusted from now on; otherwise the write stays laid over it until its change arrives.
    /// </summary>
    public void Acknowledge(LocalWrite write)
    {
        lock (Gate)
        {
            if (!_ended)
            {
                _view.Acknowledge(write);
            }
        }
    }

    /// <summary>Stops carrying the server's changes (the last listener left, or the watch ended).</summary>
    protected abstract void Stop();
}
