using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// The client-side state of one watched (path, query): the value the server last described, this store's unconfirmed
/// writes laid over it (latency compensation), and the resulting view held in a local tree on the shared engine
/// (<see cref="InMemoryDatabase"/>). Each server change or local write is applied to that tree at the locations it
/// names, and the engine's listeners and live windows raise the child events: a change to k children costs O(k log n)
/// whatever the size of the watched list, and a reconnect's full value is compared with the tree once, reporting exactly
/// the differences. Not thread-safe: its owner serialises every call.
/// </summary>
internal sealed class WatchedView
{
    private readonly RealtimeQuery _query;
    private readonly InMemoryDatabase _tree;
    private readonly List<Listener> _listeners = [];

    // Latency compensation: this store's unconfirmed writes touching the location, in issue order, laid over the server's
    // value. _touched holds the unacknowledged writes whose change the server already carried (their echo).
    private readonly List<LocalWrite> _overlay;
    private readonly HashSet<LocalWrite> _touched = [];

    // The server's value while local writes are laid over it; null when the view is the server's value (the common case,
    // which then keeps one copy of the data).
    private DataNode? _server;

    // Whether the events being raised show unconfirmed writes; read by the listeners' sinks while the engine raises them.
    private bool _pending;

    public WatchedView(RealtimeQuery query, TimeProvider time, List<LocalWrite> overlay)
    {
        _query = query;
        _tree = new InMemoryDatabase(time);
        _overlay = overlay;
        if (_overlay.Count > 0)
        {
            _server = DataNode.Null;
        }
    }

    /// <summary>Whether the server's first full value arrived; listeners get their initial events from then on.</summary>
    public bool HasInitial { get; private set; }

    public int ListenerCount => _listeners.Count;

    /// <summary>The server's value as last described (without this store's unconfirmed writes).</summary>
    public DataNode ServerValue => Server;

    private DataNode Server => _server ?? _tree.Root.GetAt(_query.Path);

    public void AddListener(RealtimeSubscription<StoreEvent> subscription, StoreEventKind events)
    {
        var listener = new Listener(subscription, events);
        _listeners.Add(listener);
        if (HasInitial)
        {
            Observe(listener);
        }
    }

    public void RemoveListener(RealtimeSubscription<StoreEvent> subscription)
    {
        var index = _listeners.FindIndex(l => ReferenceEquals(l.Subscription, subscription));
        if (index >= 0)
        {
            _listeners[index].Registration?.Dispose();
            _listeners.RemoveAt(index);
        }
    }

    /// <summary>Ends every listener (with <paramref name="error"/>, or normally).</summary>
    public void Complete(Exception? error)
    {
        foreach (var listener in _listeners)
        {
            listener.Registration?.Dispose();
            listener.Subscription.Complete(error);
        }

        _listeners.Clear();
    }

    /// <summary>Applies a change the server reported.</summary>
    /// <param name="changes">The locations it replaced, relative to the watched location, with their new values (a patch names several).</param>
    /// <param name="full">
    /// Whether it is the full value the server sends first on every (re)connect: the server's whole truth, so acknowledged
    /// writes are let go even where it disagrees (an echo lost with the old connection). A later put at the watched
    /// location is an ordinary write there (possibly an earlier write's echo).
    /// </param>
    /// <returns>Whether this was the first value: the listeners have just received their initial events.</returns>
    public bool ApplyServer(IReadOnlyList<ServerChange> changes, bool full)
    {
        if (HasInitial && _overlay.Count == 0 && TryApplyToTree(changes))
        {
            return false;
        }

        var server = Server;
        foreach (var change in changes)
        {
            server = change.IsPriority
                ? server.SetAt(change.Path, server.GetAt(change.Path).WithPriority(change.Value))
                : server.SetAt(change.Path, change.Value);
        }

        List<LocalWrite>? released = null;
        if (_overlay.Count > 0)
        {
            // A change at a written location that makes the server's value agree with the write is the write's echo.
            // Once the write is also acknowledged the server's value stands on its own; an echo seen before the
            // acknowledgement is noted so the acknowledgement can let go at once. Any other change (an earlier write's
            // echo still in transit) leaves the write laid over the value, so the view never steps back.
            _overlay.RemoveAll(w =>
            {
                if (full && w.Acknowledged)
                {
                    _touched.Remove(w);
                    (released ??= []).Add(w);
                    return true;
                }

                // A server value's result is only known to the database: until the acknowledgement reports it (or if it
                // did not), a change that matches the write everywhere else is taken as its echo.
                if (!changes.Any(c => w.Touches(_query.Path.Child(c.Path))) || !Agrees(w, server, shape: w.HasServerValues))
                {
                    return false;
                }

                if (w.Acknowledged)
                {
                    _touched.Remove(w);
                    (released ??= []).Add(w);
                    return true;
                }

                _touched.Add(w);
                return false;
            });
        }

        _server = server;
        if (!HasInitial)
        {
            HasInitial = true;
            Show([RealtimePath.Root], null);
            foreach (var listener in _listeners)
            {
                Observe(listener);
            }

            return true;
        }

        var paths = new List<RealtimePath>(changes.Count);
        foreach (var change in changes)
        {
            paths.Add(change.Path);
        }

        Show(paths, released);
        return false;
    }

    /// <summary>Lays a local write over the view and reports the change at once, marked pending.</summary>
    public void AddWrite(LocalWrite write)
    {
        _server ??= Server;
        _overlay.Add(write);
        Show([], null);
    }

    /// <summary>Puts <paramref name="replacement"/> in the place of <paramref name="write"/> (a transaction's next attempt) and reports the change once.</summary>
    public void ReplaceWrite(LocalWrite write, LocalWrite replacement)
    {
        _touched.Remove(write);
        var index = _overlay.IndexOf(write);
        if (index >= 0)
        {
            _overlay[index] = replacement;
            Show([], [write]);
        }
    }

    /// <summary>Takes a refused write out of the view and reports the rollback.</summary>
    public void RemoveWrite(LocalWrite write)
    {
        _touched.Remove(write);
        if (_overlay.Remove(write))
        {
            Show([], [write]);
        }
    }

    /// <summary>
    /// The database accepted <paramref name="write"/>. If the server already carried its change the server value is
    /// trusted from now on; otherwise the write stays laid over it until its change arrives.
    /// </summary>
    public void Acknowledge(LocalWrite write)
    {
        // A write that changed nothing on the server has no echo: agreement with the server's value stands for it. A
        // write's server values were normally confirmed before this call, so the comparison is exact.
        if ((_touched.Remove(write) || Agrees(write, Server, shape: write.HasServerValues)) && _overlay.Remove(write))
        {
            Show([], [write]);
        }
        else if (_overlay.Contains(write))
        {
            // Still laid over the view until its change arrives, now with the database's results for its server values
            // and no longer pending.
            Show([], null);
        }
    }

    /// <summary>
    /// With nothing laid over it the view is the server's value: a put or a patch goes to the tree as it is, without
    /// building the server's value separately. False for what needs the general path (a patch carrying priorities).
    /// </summary>
    private bool TryApplyToTree(IReadOnlyList<ServerChange> changes)
    {
        _pending = false;
        if (changes.Count == 1)
        {
            var (path, value, isPriority) = changes[0];
            var at = _query.Path.Child(path);
            if (isPriority)
            {
                _tree.SetPriority(at, value);
            }
            else
            {
                _tree.Set(at, value);
            }

            return true;
        }

        var updates = new Dictionary<string, DataNode>(changes.Count, StringComparer.Ordinal);
        foreach (var (path, value, isPriority) in changes)
        {
            if (isPriority || path.IsRoot)
            {
                return false;
            }

            updates[path.ToString()[1..]] = value;
        }

        _tree.Update(_query.Path, updates);
        return true;
    }

    private void Observe(Listener listener)
    {
        var subscription = listener.Subscription;
        listener.Registration = _tree.ObserveQuery(_query, listener.Events, e => subscription.TryWrite(_pending ? e with { IsPending = true } : e));
    }

    /// <summary>
    /// Brings the local tree to the current view at the locations that may have changed: <paramref name="changed"/>
    /// (relative to the watched location), and wherever a laid or just released write lies. The engine skips what is equal.
    /// </summary>
    private void Show(List<RealtimePath> changed, List<LocalWrite>? released)
    {
        if (!HasInitial)
        {
            return;
        }

        foreach (var write in _overlay)
        {
            AddWrittenPaths(write, changed);
        }

        if (released is not null)
        {
            foreach (var write in released)
            {
                AddWrittenPaths(write, changed);
            }
        }

        var view = Compose();

        // A write whose echo already arrived shows the server's value: only the others make the view pending.
        _pending = _overlay.Exists(w => !w.Acknowledged && !_touched.Contains(w));
        if (_overlay.Count == 0)
        {
            // Nothing is laid over the server's value any more: the tree holds it alone.
            _server = null;
        }

        if (changed.Count == 0)
        {
            return;
        }

        // In segment order a path's descendants follow it directly: keep the outermost of each overlapping group.
        changed.Sort(static (a, b) => a.CompareTo(b));
        if (changed[0].IsRoot)
        {
            _tree.Set(_query.Path, view);
            return;
        }

        var updates = new Dictionary<string, DataNode>(changed.Count, StringComparer.Ordinal);
        RealtimePath? outer = null;
        foreach (var path in changed)
        {
            if (outer is null || !outer.IsAncestorOrSelf(path))
            {
                outer = path;
                updates[path.ToString()[1..]] = view.GetAt(path);
            }
        }

        _tree.Update(_query.Path, updates);
    }

    private void AddWrittenPaths(LocalWrite write, List<RealtimePath> into)
    {
        foreach (var (path, _) in write.Entries)
        {
            if (_query.Path.IsAncestorOrSelf(path))
            {
                into.Add(_query.Path.RelativeTo(path));
            }
            else if (path.IsAncestorOrSelf(_query.Path))
            {
                into.Add(RealtimePath.Root);
            }
        }
    }

    private bool Agrees(LocalWrite write, DataNode server, bool shape)
    {
        var partial = _query.HasFilter;
        var laid = shape ? write.ApplyShapeTo(_query.Path, server, partial) : write.ApplyTo(_query.Path, server, partial);

        // A query's stream holds its window (and what the server sent around it): the write agrees when the selection does.
        return partial ? _query.Apply(laid).Equals(_query.Apply(server)) : laid.Equals(server);
    }

    private DataNode Compose()
    {
        var view = Server;
        if (_overlay.Count == 0)
        {
            return view;
        }

        // A limited window holds the server's children up to its edge and nothing of those beyond it. A write that would
        // empty a place in it, or bring in a child from beyond its edge, needs children the stream does not hold: it is
        // left out of the view until its change arrives from the server.
        var limit = _query.LimitToFirst ?? _query.LimitToLast;
        var keyed = FirebaseHttp.IsWidenedOnRest(_query);
        var window = limit is { } l && !keyed ? _query.Select(view) : null;
        if (window is not null && window.Count < limit)
        {
            // The server holds no more children in range than these: nothing lies beyond the edge.
            window = null;
        }

        foreach (var w in _overlay)
        {
            // A write whose echo already arrived is in the server's value; laying its estimate again would count an
            // increment twice.
            if (w.HasServerValues && _touched.Contains(w))
            {
                continue;
            }

            var next = w.ApplyTo(_query.Path, view, _query.HasFilter);
            if (window is null || WithinEdge(next, window))
            {
                view = next;
            }
        }

        return view;
    }

    private bool WithinEdge(DataNode view, IReadOnlyList<KeyValuePair<string, DataNode>> window)
    {
        var selected = _query.Select(view);
        if (selected.Count < window.Count)
        {
            return false;
        }

        var order = _query.Order;
        var first = _query.LimitToFirst is not null;
        var edge = first ? window[^1] : window[0];
        foreach (var child in selected)
        {
            var compared = order.Compare(child, edge);
            if (first ? compared > 0 : compared < 0)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Listener(RealtimeSubscription<StoreEvent> subscription, StoreEventKind events)
    {
        public RealtimeSubscription<StoreEvent> Subscription { get; } = subscription;

        public StoreEventKind Events { get; } = events;

        public IDisposable? Registration { get; set; }
    }
}
