namespace RealtimeAdapters.InMemory;

/// <summary>
/// The in-memory realtime database engine: one immutable JSON tree (the Firebase Realtime Database model) with path
/// watches, live query windows, transactions' compare-and-set and a raw write feed. Shared by any number of
/// <see cref="InMemoryRealtimeStore"/> clients and by protocol front ends such as the emulator.
/// </summary>
/// <remarks>
/// <para>
/// Writes are serialised by one lock: each builds a new root that shares every untouched subtree with the old one,
/// publishes it, and notifies the affected watches before the next write starts, so every subscriber sees the writes in
/// the same order and the events of one write together. Reads (<see cref="Root"/>, <see cref="Get"/>) take no lock.
/// </para>
/// <para>
/// Watches are kept in a trie keyed by path segments: a write at a path visits only the watches at its ancestors, at the
/// path and below it, so its cost grows with the watches it can affect rather than with all watches or the size of the
/// tree. A write that changes nothing (the same value again) is not applied and notifies no one.
/// </para>
/// </remarks>
public sealed class InMemoryDatabase
{
    private readonly Lock _gate = new();
    private readonly PushIdGenerator _pushIds;
    private readonly ListenerNode _listeners = ListenerNode.CreateRoot();
    private readonly List<ListenerNode> _affected = [];
    private readonly List<ChildChange> _changes = [];
    private readonly List<QueryWatch> _ended = [];
    private DataNode _root = DataNode.Null;
    private long _writeNumber;
    private bool _writing;

    /// <summary>Creates an empty database.</summary>
    /// <param name="timeProvider">The clock for server timestamps and push ids; <see cref="TimeProvider.System"/> when omitted.</param>
    public InMemoryDatabase(TimeProvider? timeProvider = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        _pushIds = new PushIdGenerator(TimeProvider);
    }

    /// <summary>The clock that resolves <see cref="ServerValue.Timestamp"/> and dates push ids.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The current root of the tree. Immutable: later writes publish a new root and never change this one.</summary>
    public DataNode Root => Volatile.Read(ref _root);

    /// <summary>Reads the value at a location, or the children a query selects, from the current root.</summary>
    /// <param name="query">A location or query.</param>
    /// <returns>An immutable snapshot; <see cref="DataSnapshot.Exists"/> is false when nothing is there.</returns>
    public DataSnapshot Get(RealtimeQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var value = Root.GetAt(query.Path);
        return new DataSnapshot(query.Path, query.Apply(value), query.Order);
    }

    /// <summary>
    /// Replaces the value at <paramref name="path"/>. <see cref="DataNode.Null"/> (or an empty object) deletes it, and
    /// ancestors left empty disappear. Server values are resolved against the value being replaced.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="value">The new value.</param>
    /// <exception cref="RealtimeValidationException">The path and the value together nest deeper than <see cref="RealtimePath.MaxDepth"/>, or a key path in the value makes the full path longer than <see cref="RealtimePath.MaxBytes"/> UTF-8 bytes.</exception>
    public void Set(RealtimePath path, DataNode value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        WriteValidation.ValidateWrite(path, value);
        lock (_gate)
        {
            BeginWrite();
            try
            {
                SetLocked(path, value);
            }
            finally
            {
                _writing = false;
            }
        }
    }

    /// <summary>
    /// Applies several writes below <paramref name="path"/> atomically: each key is a relative path (one or several
    /// segments, e.g. <c>"users/alice/name"</c>) whose value replaces what is there (<see cref="DataNode.Null"/> deletes).
    /// Either every entry is applied or, when any is invalid, none is; watchers get one batch of events for the whole update.
    /// </summary>
    /// <param name="path">The common location.</param>
    /// <param name="updates">Relative paths and their new values. An empty dictionary changes nothing.</param>
    /// <exception cref="RealtimeValidationException">A key is not a valid relative path, a value is too deep, or two keys overlap (one is the other or its ancestor); the message names the keys.</exception>
    public void Update(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates)
    {
        var parsed = WriteValidation.ValidateUpdate(path, updates);
        if (parsed.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            BeginWrite();
            try
            {
                var now = NowMilliseconds();
                var root = _root;
                var entries = new WriteEntry[parsed.Count];
                var resolvedUpdates = new Dictionary<RealtimePath, DataNode>(parsed.Count);
                for (var i = 0; i < parsed.Count; i++)
                {
                    var (_, relative, absolute, value) = parsed[i];
                    var old = root.GetAt(absolute);
                    var resolved = value.ResolveServerValues(old, now);
                    entries[i] = new WriteEntry(absolute, old, resolved);
                    resolvedUpdates.Add(relative, resolved);
                }

                Commit(DatabaseWriteKind.Update, path, null, resolvedUpdates, entries);
            }
            finally
            {
                _writing = false;
            }
        }
    }

    /// <summary>Adds a child under <paramref name="parent"/> whose key is a new push id, chronological on <see cref="TimeProvider"/>.</summary>
    /// <param name="parent">The parent location.</param>
    /// <param name="value">The child's value (<see cref="DataNode.Null"/> writes nothing but still returns a fresh path).</param>
    /// <returns>The new child's path.</returns>
    /// <exception cref="RealtimeValidationException">The new child's path and the value together are too deep or too long.</exception>
    public RealtimePath Push(RealtimePath parent, DataNode value)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(value);
        if (parent.Depth + 1 + value.Depth > RealtimePath.MaxDepth)
        {
            throw new RealtimeValidationException(
                $"Invalid push under {parent}: a child there with a value {value.Depth} levels deep would nest deeper than {RealtimePath.MaxDepth} levels.",
                parent.ToString());
        }

        lock (_gate)
        {
            BeginWrite();
            try
            {
                // The id is drawn under the write lock so that ids increase in the order the children are added.
                var path = parent.Child(_pushIds.Next());
                WriteValidation.ValidateWrite(path, value);
                SetLocked(path, value);
                return path;
            }
            finally
            {
                _writing = false;
            }
        }
    }

    /// <summary>Sets the priority of the value at <paramref name="path"/>; where there is no value, nothing happens.</summary>
    /// <param name="path">The location.</param>
    /// <param name="priority">A number, a string, a server value, or <see cref="DataNode.Null"/> to clear it.</param>
    /// <exception cref="RealtimeValidationException">The priority is a boolean or an object.</exception>
    public void SetPriority(RealtimePath path, DataNode priority)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(priority);
        if (priority.Kind is DataNodeKind.Boolean or DataNodeKind.Object)
        {
            throw new RealtimeValidationException(
                $"Invalid priority for {path}: {StoreText.Printable(priority.ToJsonString())} (a priority is a string, a finite number, a server value or null).",
                path.ToString());
        }

        lock (_gate)
        {
            BeginWrite();
            try
            {
                var current = _root.GetAt(path);
                if (current.IsNull)
                {
                    return;
                }

                var resolved = priority.ResolveServerValues(current.Priority, NowMilliseconds());
                var updated = current.WithPriority(resolved);
                Commit(DatabaseWriteKind.Set, path, updated, null, [new WriteEntry(path, current, updated)]);
            }
            finally
            {
                _writing = false;
            }
        }
    }

    /// <summary>
    /// Atomically replaces the value at <paramref name="path"/> with <paramref name="value"/> if the current value equals
    /// <paramref name="expected"/> (structurally, priority included). The basis of transactions and of conditional writes.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="expected">The value the caller last read there (<see cref="DataNode.Null"/> for "absent").</param>
    /// <param name="value">The new value; server values are resolved against the current value.</param>
    /// <param name="current">The value at <paramref name="path"/> afterwards: the written value, or the unexpected current one.</param>
    /// <returns>Whether the value was written.</returns>
    /// <exception cref="RealtimeValidationException">The path and the value together are too deep or too long.</exception>
    public bool CompareAndSet(RealtimePath path, DataNode expected, DataNode value, out DataNode current)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(value);
        WriteValidation.ValidateWrite(path, value);
        lock (_gate)
        {
            BeginWrite();
            try
            {
                var existing = _root.GetAt(path);
                if (!existing.Equals(expected))
                {
                    current = existing;
                    return false;
                }

                SetLocked(path, value);
                current = _root.GetAt(path);
                return true;
            }
            finally
            {
                _writing = false;
            }
        }
    }

    /// <summary>
    /// Watches a location or query. The subscription first receives the current state (a
    /// <see cref="StoreEventKind.ChildAdded"/> per selected child in query order, each with the previous child's key,
    /// then one <see cref="StoreEventKind.Value"/>, also when nothing is there), then one batch per write that changes
    /// the result: <see cref="StoreEventKind.ChildRemoved"/>, <see cref="StoreEventKind.ChildAdded"/>,
    /// <see cref="StoreEventKind.ChildMoved"/>, <see cref="StoreEventKind.ChildChanged"/>, then one
    /// <see cref="StoreEventKind.Value"/>. Queries with ranges and limits are live windows: children entering the window
    /// are reported as added and children leaving it as removed.
    /// </summary>
    /// <param name="query">A location or query.</param>
    /// <param name="options">
    /// Which events to deliver and the subscriber's own buffer (by default 100,000 events, ending the subscription with
    /// <see cref="SubscriptionOverflowException"/> when exceeded). Writers never wait for a subscriber.
    /// </param>
    /// <returns>The subscription; dispose it to stop watching.</returns>
    public RealtimeSubscription<StoreEvent> Watch(RealtimeQuery query, WatchOptions? options = null) => AddWatch(query, options, null).Subscription!;

    /// <summary>
    /// Reports every applied write that touches <paramref name="path"/>: a write at the path or above it that changed the
    /// value there, or a write below it. The observer is called synchronously, in write order, while the write lock is
    /// held: it must be quick, must not block, and must not write to this database (that throws
    /// <see cref="InvalidOperationException"/>). If it throws, it is unregistered (its feed would no longer be complete)
    /// and the write is unaffected. Writes that change nothing are not reported.
    /// </summary>
    /// <param name="path">The observed location.</param>
    /// <param name="observer">Called with each write.</param>
    /// <returns>A registration; dispose it to stop observing.</returns>
    public IDisposable ObserveWrites(RealtimePath path, Action<DatabaseWrite> observer) => ObserveWrites(path, null, observer);

    /// <summary>
    /// Like <see cref="ObserveWrites(RealtimePath, Action{DatabaseWrite})"/>, and first hands <paramref name="onInitial"/> the
    /// value at <paramref name="path"/> under the same lock, so that the observer sees exactly the writes applied after
    /// that value: none missed, none already in it. This is how a front end answers a listen with the current value and
    /// then streams changes without a gap or an out-of-order overwrite.
    /// </summary>
    /// <param name="path">The observed location.</param>
    /// <param name="onInitial">Called once, before this method returns and before any write is reported, with the value at the path.</param>
    /// <param name="observer">Called with each later write (same rules as the other overload).</param>
    /// <returns>A registration; dispose it to stop observing.</returns>
    public IDisposable ObserveWrites(RealtimePath path, Action<DataNode>? onInitial, Action<DatabaseWrite> observer)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            var node = _listeners.GetOrAddDescendant(path);
            var registration = new WriteObserver(this, node, observer);
            node.AddObserver(registration);
            try
            {
                onInitial?.Invoke(_root.GetAt(path));
            }
            catch
            {
                RemoveObserver(registration);
                throw;
            }

            return registration;
        }
    }

    /// <summary>
    /// Observes a location or query synchronously: <paramref name="observer"/> first receives the current state (as
    /// <see cref="Watch"/> describes it) before this method returns, then, for each write that changes the result, that
    /// write's batch of events ending with its <see cref="StoreEventKind.Value"/> event (when <paramref name="events"/>
    /// includes it). It is called in write order while the write lock is held: it must be quick, must not block, and must
    /// not write to this database. Returning <see langword="false"/> (or throwing) ends the observation. This is how a
    /// protocol front end or a client-side cache turns writes into child events and live query windows without computing
    /// them again: a write changing k children costs O(k log n) per observed query, whatever the number of children.
    /// </summary>
    /// <param name="query">A location or query.</param>
    /// <param name="events">The events to report.</param>
    /// <param name="observer">Called with each event; returns whether to keep observing.</param>
    /// <returns>A registration; dispose it to stop observing.</returns>
    public IDisposable ObserveQuery(RealtimeQuery query, StoreEventKind events, Func<StoreEvent, bool> observer)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(observer);
        var watch = AddWatch(query, events, Guard(observer), null, null);
        return new QueryRegistration(this, watch);

        static Func<StoreEvent, bool> Guard(Func<StoreEvent, bool> observer) => e =>
        {
            try
            {
                return observer(e);
            }
#pragma warning disable CA1031 // A failing observer ends its own observation; the write (already applied) and other observers are unaffected.
            catch (Exception)
#pragma warning restore CA1031
            {
                return false;
            }
        };
    }

    internal QueryWatch AddWatch(RealtimeQuery query, WatchOptions? options, Action<QueryWatch>? onRemoved)
    {
        ArgumentNullException.ThrowIfNull(query);
        options ??= WatchOptions.Default;
        QueryWatch? watch = null;
        var subscription = new RealtimeSubscription<StoreEvent>(options.Buffer, () =>
        {
            if (watch is not null)
            {
                RemoveWatch(watch);
            }

            return ValueTask.CompletedTask;
        });

        watch = AddWatch(query, options.Events, subscription.TryWrite, subscription, onRemoved);
        return watch;
    }

    private QueryWatch AddWatch(
        RealtimeQuery query, StoreEventKind events, Func<StoreEvent, bool> sink, RealtimeSubscription<StoreEvent>? subscription, Action<QueryWatch>? onRemoved)
    {
        lock (_gate)
        {
            var node = _listeners.GetOrAddDescendant(query.Path);
            var value = _root.GetAt(query.Path);
            var needsIndex = query.HasFilter || (events & StoreEventKind.AllChildEvents) != 0;
            var index = needsIndex ? node.AcquireIndex(IndexKey.For(query), value) : null;
            var watch = new QueryWatch(node, query, events, sink, index, onRemoved) { Since = _writeNumber, Subscription = subscription };
            node.AddWatch(watch);
            watch.SendInitial(value);
            if (!watch.IsActive)
            {
                RemoveWatchLocked(watch);
            }

            return watch;
        }
    }

    internal void RemoveWatch(QueryWatch watch)
    {
        lock (_gate)
        {
            RemoveWatchLocked(watch);
        }
    }

    internal void RemoveObserver(WriteObserver observer)
    {
        lock (_gate)
        {
            if (observer.Removed)
            {
                return;
            }

            observer.Removed = true;
            observer.Node.RemoveObserver(observer);
            observer.Node.PruneIfEmpty();
        }
    }

    private static void RemoveWatchLocked(QueryWatch watch)
    {
        if (watch.Removed)
        {
            return;
        }

        watch.Removed = true;
        watch.Node.RemoveWatch(watch);
        if (watch.Index is { } index)
        {
            watch.Node.ReleaseIndex(index);
        }

        watch.Node.PruneIfEmpty();
        watch.OnRemoved?.Invoke(watch);
    }

    private long NowMilliseconds() => TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private void BeginWrite()
    {
        // The lock is re-entrant, so a write observer writing back would otherwise interleave its write with the
        // notification of the current one and break the single write order.
        if (_writing)
        {
            throw new InvalidOperationException("A write observer must not write to the InMemoryDatabase it observes.");
        }

        _writing = true;
    }

    private void SetLocked(RealtimePath path, DataNode value)
    {
        if (!value.ContainsServerValues)
        {
            // Nothing to resolve against the old value: one descent finds it and builds the new root (a second walk of
            // each child map on the path would cost as much again in a large list). An unchanged value's root is dropped.
            var built = _root.SetAt(path, value, out var previous);
            Commit(DatabaseWriteKind.Set, path, value, null, [new WriteEntry(path, previous, value)], built);
            return;
        }

        var old = _root.GetAt(path);
        var resolved = value.ResolveServerValues(old, NowMilliseconds());
        Commit(DatabaseWriteKind.Set, path, resolved, null, [new WriteEntry(path, old, resolved)]);
    }

    // built: the new root when the caller already built it from its one entry.
    private void Commit(
        DatabaseWriteKind kind, RealtimePath path, DataNode? value, Dictionary<RealtimePath, DataNode>? updates, WriteEntry[] entries, DataNode? built = null)
    {
        var oldRoot = _root;
        var changed = 0;
        foreach (var entry in entries)
        {
            if (!entry.Old.Equals(entry.Value))
            {
                entries[changed++] = entry;
            }
        }

        if (changed == 0)
        {
            return;
        }

        // The entries are disjoint (checked by the callers): one pass builds the new root, each node rebuilt once.
        DataNode newRoot;
        if (built is not null)
        {
            newRoot = built;
        }
        else if (changed == 1)
        {
            newRoot = oldRoot.SetAt(entries[0].Path, entries[0].Value);
        }
        else
        {
            var writes = new KeyValuePair<RealtimePath, DataNode>[changed];
            for (var i = 0; i < changed; i++)
            {
                writes[i] = new(entries[i].Path, entries[i].Value);
            }

            newRoot = oldRoot.SetAll(writes);
        }

        Volatile.Write(ref _root, newRoot);
        Notify(kind, path, value, updates, oldRoot, newRoot, entries.AsSpan(0, changed));
    }

    private void Notify(
        DatabaseWriteKind kind,
        RealtimePath path,
        DataNode? value,
        Dictionary<RealtimePath, DataNode>? updates,
        DataNode oldRoot,
        DataNode newRoot,
        ReadOnlySpan<WriteEntry> entries)
    {
        var stamp = ++_writeNumber;
        _affected.Clear();
        foreach (var entry in entries)
        {
            CollectAffected(entry, oldRoot, newRoot, stamp);
        }

        DatabaseWrite? write = null;
        foreach (var node in _affected)
        {
            foreach (var observer in node.Observers)
            {
                write ??= new DatabaseWrite(kind, path, value ?? newRoot.GetAt(path), updates, oldRoot, newRoot);
                Deliver(observer, write);
            }

            if (node.Watches.Length > 0)
            {
                NotifyWatches(node, stamp);
            }

            // The scratch values would otherwise keep the previous version of the tree alive.
            node.OldValue = DataNode.Null;
            node.NewValue = DataNode.Null;
        }

        _affected.Clear();
    }

    /// <summary>Marks the listener nodes a write entry (at <c>entry.Path</c>) affects: its ancestors, itself, and changed descendants.</summary>
    private void CollectAffected(WriteEntry entry, DataNode oldRoot, DataNode newRoot, long stamp)
    {
        var path = entry.Path;
        var node = _listeners;
        var oldValue = oldRoot;
        var newValue = newRoot;
        var segments = path.Segments;
        for (var i = 0; i < segments.Count; i++)
        {
            var key = segments[i];
            if (node.HasSubscribers)
            {
                // The entry's parent knows the child's change from the entry: no lookup in either tree.
                var change = i == segments.Count - 1 ? new ChildChange(key, entry.Old, entry.Value) : (ChildChange?)null;
                Mark(node, stamp, oldValue, newValue).AddTouched(key, change);
            }

            if (!node.TryGetChild(key, out node))
            {
                return;
            }

            oldValue = oldValue.GetChild(key);
            newValue = newValue.GetChild(key);
        }

        if (node.HasSubscribers)
        {
            Mark(node, stamp, oldValue, newValue).AllChildren = true;
        }

        CollectChangedDescendants(node, stamp, oldValue, newValue);
    }

    private void CollectChangedDescendants(ListenerNode node, long stamp, DataNode oldValue, DataNode newValue)
    {
        if (node.Children is not { Count: > 0 } children)
        {
            return;
        }

        foreach (var (key, child) in children)
        {
            var oldChild = oldValue.GetChild(key);
            var newChild = newValue.GetChild(key);
            if (ReferenceEquals(oldChild, newChild) || oldChild.Equals(newChild))
            {
                continue;
            }

            if (child.HasSubscribers)
            {
                Mark(child, stamp, oldChild, newChild).AllChildren = true;
            }

            CollectChangedDescendants(child, stamp, oldChild, newChild);
        }
    }

    private ListenerNode Mark(ListenerNode node, long stamp, DataNode oldValue, DataNode newValue)
    {
        if (node.Stamp != stamp)
        {
            node.ResetScratch(stamp);
            node.OldValue = oldValue;
            node.NewValue = newValue;
            _affected.Add(node);
        }

        return node;
    }

    private void NotifyWatches(ListenerNode node, long stamp)
    {
        _changes.Clear();
        var indexes = node.Indexes;
        if (indexes is { Count: > 0 })
        {
            if (node.AllChildren)
            {
                ChildChange.Diff(node.OldValue, node.NewValue, _changes);
            }
            else
            {
                if (node.FirstChange is { } first)
                {
                    if (!ReferenceEquals(first.Old, first.New))
                    {
                        _changes.Add(first);
                    }
                }
                else
                {
                    AddTouchedChange(node, node.FirstTouched!);
                }

                if (node.MoreTouched is { } more)
                {
                    foreach (var key in more)
                    {
                        AddTouchedChange(node, key);
                    }
                }
            }

            foreach (var index in indexes)
            {
                index.Advance(node.NewValue, _changes);
            }
        }

        foreach (var watch in node.Watches)
        {
            if (watch.Removed || watch.Since >= stamp)
            {
                continue;
            }

            watch.OnWrite(node.NewValue, _changes);
            if (!watch.IsActive)
            {
                _ended.Add(watch);
            }
        }

        if (indexes is not null)
        {
            foreach (var index in indexes)
            {
                index.Settle();
            }
        }

        foreach (var watch in _ended)
        {
            RemoveWatchLocked(watch);
        }

        _ended.Clear();
        _changes.Clear();
    }

    private void AddTouchedChange(ListenerNode node, string key)
    {
        var oldChild = node.OldValue.GetChild(key);
        var newChild = node.NewValue.GetChild(key);
        if (!ReferenceEquals(oldChild, newChild))
        {
            _changes.Add(new ChildChange(key, oldChild, newChild));
        }
    }

    private void Deliver(WriteObserver observer, DatabaseWrite write)
    {
        if (observer.Removed)
        {
            return;
        }

        try
        {
            observer.Callback(write);
        }
#pragma warning disable CA1031 // A failing observer must not fail the write (already applied) nor starve the other observers.
        catch (Exception)
#pragma warning restore CA1031
        {
            RemoveObserver(observer);
        }
    }
}
