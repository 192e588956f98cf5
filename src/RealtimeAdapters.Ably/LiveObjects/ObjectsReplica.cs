using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.LiveObjects;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Ably.LiveObjects;

/// <summary>
/// A client's replica of one channel's objects (§2.2–2.6 of the spec): the object pool with its conflict rules, the sync
/// after every ATTACHED (operations arriving meanwhile are buffered and applied after it), operations from the channel and
/// this client's own operations applied on their ACK (their echo is then skipped). The JSON view of the objects lives in a
/// local tree on the shared engine (<see cref="InMemoryDatabase"/>): each frame's changes are located in the tree and
/// written there in one update, so the engine raises the watches' child events and evaluates their queries, and one
/// frame (a batch) is one change for every watch. Frames arrive on the receive loop; writes call in from any thread.
/// </summary>
internal sealed class ObjectsReplica
{
    private readonly Lock _gate = new();
    private readonly ObjectPool _pool = new();
    private readonly HashSet<string> _appliedOnAck = new(StringComparer.Ordinal);
    private readonly List<ProtocolMessage> _buffered = [];
    private readonly List<ObjectState> _syncStates = [];
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan> _gracePeriod;
    private readonly ITimer _collector;
    private TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _syncing = true;
    private string? _syncId;
    private long _version;

    /// <param name="time">The clock of the tree and of tombstone collection.</param>
    /// <param name="gracePeriod">How long tombstones are kept (the connection's <c>objectsGCGracePeriod</c>).</param>
    public ObjectsReplica(TimeProvider time, Func<TimeSpan> gracePeriod)
    {
        _time = time;
        _gracePeriod = gracePeriod;
        Tree = new InMemoryDatabase(time);

        // RTO10: tombstones are collected once older than the grace period, checked as often as ably-js does.
        _collector = time.CreateTimer(static s => ((ObjectsReplica)s!).CollectTombstones(), this, ObjectsCollection.Interval, ObjectsCollection.Interval);
    }

    /// <summary>Counts the changes from the channel (operations, syncs): a write planned against an older view can be planned again.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>How many objects the replica holds, deleted ones included (for tests).</summary>
    internal int ObjectCount
    {
        get
        {
            lock (_gate)
            {
                return _pool.Count;
            }
        }
    }

    /// <summary>How many maps other than the root the replica holds that are not deleted (for tests).</summary>
    internal int LiveMapCount
    {
        get
        {
            lock (_gate)
            {
                return _pool.Objects.Count(static o => o.IsMap && !o.Tombstone && o.Id != ObjectIds.Root);
            }
        }
    }

    /// <summary>How many tombstones (removed map entries, deleted objects) the replica keeps (for tests).</summary>
    internal int TombstoneCount
    {
        get
        {
            lock (_gate)
            {
                return _pool.TombstoneCount;
            }
        }
    }

    /// <summary>The JSON view of the objects reachable from <c>root</c>.</summary>
    public InMemoryDatabase Tree { get; }

    /// <summary>Completes when the current sync has ended (faults when the channel cannot give objects).</summary>
    public Task Synced
    {
        get
        {
            lock (_gate)
            {
                return _synced.Task;
            }
        }
    }

    /// <summary>Plans a write under the replica's lock, against its current objects, and says which <see cref="Version"/> it saw.</summary>
    public (IReadOnlyList<ObjectOperation> Operations, long Version) Plan(string providerName, Action<WritePlanner> plan)
    {
        lock (_gate)
        {
            var planner = new WritePlanner(_pool, providerName);
            plan(planner);
            return (planner.Operations, _version);
        }
    }

    /// <summary>Handles ATTACHED, OBJECT and OBJECT_SYNC for the channel (on the receive loop, in order).</summary>
    public void Handle(ProtocolMessage message)
    {
        lock (_gate)
        {
            switch (message.Action)
            {
                case ProtocolAction.Attached:
                    OnAttached(message);
                    break;
                case ProtocolAction.ObjectSync:
                    OnSync(message);
                    break;
                case ProtocolAction.Object when message.State is { } state:
                    Interlocked.Increment(ref _version);
                    if (_syncing)
                    {
                        _buffered.Add(message);
                    }
                    else
                    {
                        ApplyFromChannel(state);
                    }

                    break;
            }
        }
    }

    /// <summary>Applies this client's acknowledged operations with the serials the ACK assigned (RTO20) and publishes them to the tree.</summary>
    public void ApplyAcknowledged(IReadOnlyList<ObjectOperation> operations, IReadOnlyList<string?> serials, string? siteCode)
    {
        lock (_gate)
        {
            if (_syncing || siteCode is null)
            {
                // A sync under way brings the state these operations made (or their echo follows it).
                return;
            }

            var changed = new List<(string ObjectId, string? Key)>();
            for (var i = 0; i < operations.Count && i < serials.Count; i++)
            {
                if (serials[i] is { } serial && _pool.Apply(operations[i], serial, siteCode, null, fromChannel: false, changed))
                {
                    _appliedOnAck.Add(serial);
                }
            }

            Publish(changed);
        }
    }

    /// <summary>Ends waiting for a sync with <paramref name="error"/> (the channel failed or the store closed) and stops collecting.</summary>
    public void Fail(Exception error)
    {
        _collector.Dispose();
        lock (_gate)
        {
            _synced.TrySetException(error);
        }
    }

    /// <summary>Drops the tombstones older than the grace period (deleted objects, removed entries); neither is in the tree.</summary>
    internal void CollectTombstones()
    {
        lock (_gate)
        {
            _pool.CollectTombstones(_time.GetUtcNow().ToUnixTimeMilliseconds(), (long)_gracePeriod().TotalMilliseconds);
        }
    }

    private void OnAttached(ProtocolMessage message)
    {
        var modes = (message.Flags ?? ProtocolFlags.None).Modes();
        if (modes != ProtocolFlags.None && !modes.Has(ProtocolFlags.ObjectSubscribe))
        {
            // RTO2: the channel was attached without the mode objects need (the key's capability lacks object-subscribe).
            Restart().TrySetException(ErrorInfo.Create(AblyErrorCodes.ChannelModeMissing, "The channel was attached without the object_subscribe mode; the key's capability needs object-subscribe (and object-publish to write).")
                .ToException("Ably LiveObjects"));
            return;
        }

        var pending = Restart();
        if (!message.HasFlag(ProtocolFlags.HasObjects))
        {
            // RTO4b: the channel has no objects: everything but an empty root goes.
            EndSync([], pending);
        }
    }

    /// <summary>Enters SYNCING (RTO4): buffered operations are dropped and a new wait begins unless one is pending.</summary>
    private TaskCompletionSource Restart()
    {
        _syncing = true;
        _syncId = null;
        _syncStates.Clear();
        _buffered.Clear();
        if (_synced.Task.IsCompleted)
        {
            _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        return _synced;
    }

    private void OnSync(ProtocolMessage message)
    {
        var cursor = SyncCursor.Parse(message.ChannelSerial);
        if (!_syncing || _syncId != cursor.SyncId)
        {
            // A new sync sequence starts over (RTO5a2).
            var buffered = _syncing ? [.. _buffered] : new List<ProtocolMessage>();
            Restart();
            _buffered.AddRange(buffered);
            _syncId = cursor.SyncId;
        }

        foreach (var m in message.State ?? [])
        {
            if (m.Object is { } state)
            {
                _syncStates.Add(state);
            }
        }

        if (cursor.IsLast)
        {
            EndSync(_syncStates, _synced);
        }
    }

    private void EndSync(IEnumerable<ObjectState> states, TaskCompletionSource pending)
    {
        // A map may come in several pages: its entries are merged (RTO5f2).
        var merged = new Dictionary<string, ObjectState>(StringComparer.Ordinal);
        foreach (var state in states)
        {
            merged[state.ObjectId] = merged.TryGetValue(state.ObjectId, out var earlier) && earlier.Map is { } a && state.Map is { } b
                ? state with { Map = a with { Entries = a.Entries.Concat(b.Entries).GroupBy(e => e.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal) } }
                : state;
        }

        _pool.ApplySync(merged.Values);
        Interlocked.Increment(ref _version);
        _appliedOnAck.Clear();
        _syncing = false;
        _syncStates.Clear();
        var buffered = _buffered.ToList();
        _buffered.Clear();
        var changed = new List<(string ObjectId, string? Key)>();
        foreach (var message in buffered)
        {
            foreach (var m in message.State ?? [])
            {
                if (m.Operation is { } op)
                {
                    _pool.Apply(op, m.Serial, m.SiteCode, m.SerialTimestamp, fromChannel: true, changed);
                }
            }
        }

        // The engine compares the new view with the tree and raises exactly the differences.
        Tree.Set(RealtimePath.Root, _pool.Materialise(ObjectIds.Root));
        pending.TrySetResult();
    }

    private void ApplyFromChannel(IReadOnlyList<ObjectMessage> state)
    {
        var changed = new List<(string ObjectId, string? Key)>();
        foreach (var m in state)
        {
            if (m.Operation is not { } op)
            {
                continue;
            }

            if (m.Serial is { } serial && _appliedOnAck.Remove(serial))
            {
                // The echo of an operation applied on its ACK (RTO9a3): only the site serial advances.
                if (m.SiteCode is { } site && _pool.TryGet(op.ObjectId, out var o))
                {
                    o.SiteTimeserials[site] = o.SiteTimeserials.TryGetValue(site, out var last) && string.CompareOrdinal(last, serial) > 0 ? last : serial;
                }

                continue;
            }

            _pool.Apply(op, m.Serial, m.SiteCode, m.SerialTimestamp, fromChannel: true, changed);
        }

        Publish(changed);
    }

    /// <summary>Writes the changed entries at every location they are reachable from the root, as one update of the tree.</summary>
    private void Publish(List<(string ObjectId, string? Key)> changed)
    {
        if (changed.Count == 0)
        {
            return;
        }

        var updates = new List<(RealtimePath Path, DataNode Value)>();
        var seen = new HashSet<(string, string?)>();
        foreach (var (objectId, key) in changed)
        {
            if (!seen.Add((objectId, key)) || (key is not null && !RealtimeKeys.IsValid(key)))
            {
                continue;
            }

            foreach (var at in _pool.PathsOf(objectId))
            {
                if (key is null)
                {
                    updates.Add((at, _pool.Materialise(objectId)));
                }
                else if (at.Depth < RealtimePath.MaxDepth)
                {
                    var entry = _pool.TryGet(objectId, out var o) && o.Entries.TryGetValue(key, out var e) ? e : null;
                    updates.Add((at.Child(key), entry is { Tombstone: false, Data: { } data } ? _pool.Materialise(data) : DataNode.Null));
                }
            }
        }

        if (updates.Count == 0)
        {
            return;
        }

        // In segment order a location's descendants follow it: keep the outermost of each group (its value holds theirs).
        updates.Sort(static (a, b) => a.Path.CompareTo(b.Path));
        if (updates[0].Path.IsRoot)
        {
            Tree.Set(RealtimePath.Root, _pool.Materialise(ObjectIds.Root));
            return;
        }

        var writes = new Dictionary<string, DataNode>(StringComparer.Ordinal);
        RealtimePath? outer = null;
        foreach (var (path, value) in updates)
        {
            if (outer is null || !outer.IsAncestorOrSelf(path))
            {
                outer = path;
                writes[path.ToString()[1..]] = value;
            }
        }

        Tree.Update(RealtimePath.Root, writes);
    }
}
