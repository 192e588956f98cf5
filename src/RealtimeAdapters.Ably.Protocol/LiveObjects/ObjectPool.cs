using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// The objects of one channel, with the conflict rules ably-js applies (§2.5 of the spec): an operation applies only when
/// its serial is newer than the object's last from its site; a map entry changes only for a strictly newer serial (a
/// missing serial being the earliest); creates merge once; operations on a tombstoned object are ignored. The emulator
/// keeps the service's state with it and the provider its replica, so a later sync matches what clients computed. Keeps
/// an index of which map entries reference each object, so a change can be located in the tree. Not thread-safe.
/// </summary>
public sealed class ObjectPool
{
    private readonly Dictionary<string, LiveObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(string Parent, string Key)>> _parents = new(StringComparer.Ordinal);

    /// <summary>A pool holding only an empty root map.</summary>
    public ObjectPool()
    {
        _objects[ObjectIds.Root] = new LiveObject(ObjectIds.Root, isMap: true) { CreateApplied = true };
    }

    /// <summary>The root map.</summary>
    public LiveObject Root => _objects[ObjectIds.Root];

    /// <summary>How many objects the pool holds, tombstoned ones included.</summary>
    public int Count => _objects.Count;

    /// <summary>Every object, tombstoned ones included.</summary>
    public IEnumerable<LiveObject> Objects => _objects.Values;

    /// <summary>How many tombstones the pool keeps: removed map entries and deleted objects.</summary>
    public int TombstoneCount => _objects.Values.Sum(static o => o.Entries.Values.Count(static e => e.Tombstone) + (o.Tombstone ? 1 : 0));

    /// <summary>The object with id <paramref name="objectId"/>, if the pool holds it.</summary>
    public bool TryGet(string objectId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LiveObject? value) => _objects.TryGetValue(objectId, out value);

    /// <summary>The object, or a new empty one of the type its id names (RTO6); null when the id does not parse.</summary>
    internal LiveObject? GetOrCreateZero(string objectId)
    {
        if (_objects.TryGetValue(objectId, out var existing))
        {
            return existing;
        }

        if (ObjectIds.TypeOf(objectId) is not { } type)
        {
            return null;
        }

        var created = new LiveObject(objectId, type == "map");
        _objects[objectId] = created;
        return created;
    }

    /// <summary>
    /// Applies one operation. <paramref name="fromChannel"/> is false for an operation applied on its ACK (RTO20): the
    /// object's site serial is then left for the echo to advance. Reports the changed entries (a key) or objects (null key)
    /// to <paramref name="changed"/>.
    /// </summary>
    /// <returns>Whether anything was applied.</returns>
    public bool Apply(ObjectOperation op, string? serial, string? siteCode, long? serialTimestamp, bool fromChannel, List<(string ObjectId, string? Key)>? changed)
    {
        if (string.IsNullOrEmpty(serial) || string.IsNullOrEmpty(siteCode) || GetOrCreateZero(op.ObjectId) is not { } target)
        {
            return false;
        }

        if (target.SiteTimeserials.TryGetValue(siteCode, out var last) && string.CompareOrdinal(serial, last) <= 0)
        {
            return false;
        }

        if (fromChannel)
        {
            target.SiteTimeserials[siteCode] = serial;
        }

        if (target.Tombstone)
        {
            return false;
        }

        switch (op.Action)
        {
            case ObjectOperationAction.MapCreate when target.IsMap:
                return MergeCreate(target, op.MapCreate, changed);
            case ObjectOperationAction.MapSet when target.IsMap && op.MapSetKey is { } key && op.MapSetValue is { IsValid: true } value:
                return SetEntry(target, key, new ObjectsMapEntry { Timeserial = serial, Data = value }, changed);
            case ObjectOperationAction.MapRemove when target.IsMap && op.MapRemoveKey is { } removed:
                return SetEntry(target, removed, new ObjectsMapEntry { Timeserial = serial, Tombstone = true, SerialTimestamp = serialTimestamp }, changed);
            case ObjectOperationAction.MapClear when target.IsMap:
                return Clear(target, serial, changed);
            case ObjectOperationAction.CounterCreate when !target.IsMap:
                if (target.CreateApplied)
                {
                    return false;
                }

                target.CreateApplied = true;
                target.Count += op.CounterCreateCount ?? 0;
                changed?.Add((target.Id, null));
                return true;
            case ObjectOperationAction.CounterInc when !target.IsMap && op.CounterIncNumber is { } amount:
                target.Count += amount;
                changed?.Add((target.Id, null));
                return true;
            case ObjectOperationAction.ObjectDelete when target.Id != ObjectIds.Root:
                // RTLO4e: a deleted object is empty and stays deleted; the references it held are dropped.
                target.Tombstone = true;
                target.TombstonedAt = serialTimestamp;
                target.Count = 0;
                if (target.IsMap)
                {
                    foreach (var key in target.Entries.Keys.ToList())
                    {
                        SetEntry(target, key, new ObjectsMapEntry { Timeserial = serial, Tombstone = true, SerialTimestamp = serialTimestamp }, null, force: true);
                    }
                }

                changed?.Add((target.Id, null));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Replaces the whole pool with a sync's states (RTO5c): objects not in it are dropped, except the root.</summary>
    public void ApplySync(IEnumerable<ObjectState> states)
    {
        _objects.Clear();
        _parents.Clear();
        _objects[ObjectIds.Root] = new LiveObject(ObjectIds.Root, isMap: true) { CreateApplied = true };
        foreach (var state in states)
        {
            if (ObjectIds.TypeOf(state.ObjectId) is not { } type)
            {
                continue;
            }

            var o = state.ObjectId == ObjectIds.Root ? Root : new LiveObject(state.ObjectId, type == "map");
            _objects[o.Id] = o;
            foreach (var (site, serial) in state.SiteTimeserials)
            {
                o.SiteTimeserials[site] = serial;
            }

            o.Tombstone = state.Tombstone;
            if (o.IsMap)
            {
                o.ClearTimeserial = state.Map?.ClearTimeserial;
                foreach (var (key, entry) in state.Map?.Entries ?? new Dictionary<string, ObjectsMapEntry>())
                {
                    o.Entries[key] = entry;
                }

                if (state.CreateOp?.MapCreate is { } create)
                {
                    MergeCreate(o, create, null);
                }
                else
                {
                    o.CreateApplied = state.CreateOp is not null || o.CreateApplied;
                }
            }
            else
            {
                o.Count = (state.Counter ?? 0) + (state.CreateOp?.CounterCreateCount ?? 0);
                o.CreateApplied = state.CreateOp is not null;
            }
        }

        // Referenced objects the sync did not carry exist as empty ones (RTO6), then every reference is indexed.
        foreach (var o in _objects.Values.ToList())
        {
            foreach (var (key, entry) in o.Entries)
            {
                if (!entry.Tombstone && entry.Data?.ObjectId is { } child && GetOrCreateZero(child) is not null)
                {
                    AddParent(child, o.Id, key);
                }
            }
        }
    }

    /// <summary>Adds to <paramref name="into"/> the objects <paramref name="op"/> would stop referencing: the entry it overwrites or removes, every entry a clear removes.</summary>
    public void CollectDroppedReferences(ObjectOperation op, List<string> into)
    {
        if (!_objects.TryGetValue(op.ObjectId, out var map) || !map.IsMap)
        {
            return;
        }

        if (op.Action == ObjectOperationAction.MapClear)
        {
            into.AddRange(ChildrenOf(op.ObjectId));
            return;
        }

        var key = op.Action switch
        {
            ObjectOperationAction.MapSet => op.MapSetKey,
            ObjectOperationAction.MapRemove => op.MapRemoveKey,
            _ => null,
        };
        if (key is not null && map.Entries.TryGetValue(key, out var entry) && !entry.Tombstone && entry.Data?.ObjectId is { } child)
        {
            into.Add(child);
        }
    }

    /// <summary>Whether <paramref name="objectId"/> is a live object (not the root) that no live map entry references.</summary>
    public bool IsOrphan(string objectId) =>
        objectId != ObjectIds.Root && _objects.TryGetValue(objectId, out var o) && !o.Tombstone && ParentsOf(objectId).Count == 0;

    /// <summary>The objects the live entries of <paramref name="objectId"/> reference.</summary>
    public List<string> ChildrenOf(string objectId)
    {
        var children = new List<string>();
        if (_objects.TryGetValue(objectId, out var o))
        {
            foreach (var (_, entry) in o.Entries)
            {
                if (!entry.Tombstone && entry.Data?.ObjectId is { } child)
                {
                    children.Add(child);
                }
            }
        }

        return children;
    }

    /// <summary>The live objects that cannot be reached from the root (references in cycles, objects created and never linked).</summary>
    public List<string> Unreachable()
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { ObjectIds.Root };
        var pending = new Stack<string>();
        pending.Push(ObjectIds.Root);
        while (pending.TryPop(out var id))
        {
            foreach (var child in ChildrenOf(id))
            {
                if (reached.Add(child))
                {
                    pending.Push(child);
                }
            }
        }

        return [.. _objects.Values.Where(o => !o.Tombstone && !reached.Contains(o.Id)).Select(o => o.Id)];
    }

    /// <summary>
    /// Collects tombstones (RTO10): deleted objects older than <paramref name="gracePeriodMs"/> at <paramref name="nowMs"/>
    /// leave the pool; removed map entries leave their maps after twice that. A removed entry names the generation of the map
    /// this store creates there next (<see cref="ObjectIds.ForEntry"/>), so it outlives, on every client, the tombstone of the
    /// map it removed: a location re-created later never gets an id a client still holds as deleted. A tombstone with no
    /// timestamp is stamped now and collected a grace period later.
    /// </summary>
    /// <returns>How many objects and entries were collected.</returns>
    public (int Objects, int Entries) CollectTombstones(long nowMs, long gracePeriodMs)
    {
        var objects = 0;
        var entries = 0;
        foreach (var o in _objects.Values.ToList())
        {
            if (o.Tombstone && o.Id != ObjectIds.Root)
            {
                o.TombstonedAt ??= nowMs;
                if (nowMs - o.TombstonedAt >= gracePeriodMs)
                {
                    _objects.Remove(o.Id);
                    objects++;
                }

                continue;
            }

            foreach (var (key, entry) in o.Entries.ToList())
            {
                if (!entry.Tombstone)
                {
                    continue;
                }

                if (entry.SerialTimestamp is null)
                {
                    o.Entries[key] = entry with { SerialTimestamp = nowMs };
                }
                else if (nowMs - entry.SerialTimestamp >= 2 * gracePeriodMs)
                {
                    o.Entries.Remove(key);
                    entries++;
                }
            }
        }

        return (objects, entries);
    }

    /// <summary>Every object's state for a sync: fully materialised (creates included), so no <c>createOp</c> is sent.</summary>
    public List<ObjectState> ToStates()
    {
        var states = new List<ObjectState>(_objects.Count);
        foreach (var o in _objects.Values)
        {
            if (o.Tombstone)
            {
                continue;
            }

            states.Add(new ObjectState
            {
                ObjectId = o.Id,
                SiteTimeserials = new Dictionary<string, string>(o.SiteTimeserials, StringComparer.Ordinal),
                Map = o.IsMap ? new ObjectsMap { Entries = new Dictionary<string, ObjectsMapEntry>(o.Entries, StringComparer.Ordinal), ClearTimeserial = o.ClearTimeserial } : null,
                Counter = o.IsMap ? null : o.Count,
            });
        }

        return states;
    }

    /// <summary>The map entries that reference <paramref name="objectId"/>.</summary>
    internal IReadOnlyCollection<(string Parent, string Key)> ParentsOf(string objectId) =>
        _parents.TryGetValue(objectId, out var set) ? set : [];

    /// <summary>
    /// The locations at which <paramref name="objectId"/> is reachable from the root (normally one; several when two keys
    /// reference it; none when it is detached). Cycles are not followed.
    /// </summary>
    public List<RealtimePath> PathsOf(string objectId, int limit = 16)
    {
        var found = new List<RealtimePath>();
        Walk(objectId, [], new HashSet<string>(StringComparer.Ordinal), found, limit);
        return found;
    }

    /// <summary>The value of an object as a JSON tree: maps as objects (tombstoned and invalid keys left out), counters as numbers.</summary>
    public DataNode Materialise(string objectId) => Materialise(objectId, new HashSet<string>(StringComparer.Ordinal), 0);

    /// <summary>The value of one map entry's data (a reference is followed).</summary>
    public DataNode Materialise(ObjectData data) => Materialise(data, new HashSet<string>(StringComparer.Ordinal), 0);

    private DataNode Materialise(string objectId, HashSet<string> visiting, int depth)
    {
        if (!_objects.TryGetValue(objectId, out var o) || o.Tombstone || depth >= RealtimePath.MaxDepth || !visiting.Add(objectId))
        {
            return DataNode.Null;
        }

        try
        {
            if (!o.IsMap)
            {
                return DataNode.FromNumber(o.Count);
            }

            var children = new List<KeyValuePair<string, DataNode>>(o.Entries.Count);
            foreach (var (key, entry) in o.Entries)
            {
                if (!entry.Tombstone && entry.Data is { } data && RealtimeKeys.IsValid(key))
                {
                    var value = Materialise(data, visiting, depth + 1);
                    if (!value.IsNull)
                    {
                        children.Add(new(key, value));
                    }
                }
            }

            return children.Count == 0 ? DataNode.Null : DataNode.FromChildren(children);
        }
        finally
        {
            visiting.Remove(objectId);
        }
    }

    private DataNode Materialise(ObjectData data, HashSet<string> visiting, int depth)
    {
        if (data.ObjectId is { } id)
        {
            return Materialise(id, visiting, depth);
        }

        if (data.String is { } s)
        {
            return DataNode.FromString(s);
        }

        if (data.Number is { } n)
        {
            return double.IsFinite(n) ? DataNode.FromNumber(n) : DataNode.Null;
        }

        if (data.Boolean is { } b)
        {
            return DataNode.FromBoolean(b);
        }

        // Bytes have no JSON-tree form: they read as their base64 text. A JSON leaf reads as the tree it holds.
        if (data.Bytes is { } bytes)
        {
            return DataNode.FromString(bytes);
        }

        if (data.Json is { } json)
        {
            try
            {
                return DataNode.Parse(json);
            }
            catch (Exception ex) when (ex is JsonException or RealtimeValidationException or FormatException)
            {
                return DataNode.Null;
            }
        }

        return DataNode.Null;
    }

    private void Walk(string objectId, List<string> below, HashSet<string> visiting, List<RealtimePath> found, int limit)
    {
        if (found.Count >= limit || below.Count > RealtimePath.MaxDepth || !visiting.Add(objectId))
        {
            return;
        }

        if (objectId == ObjectIds.Root)
        {
            var path = RealtimePath.Root;
            for (var i = below.Count - 1; i >= 0; i--)
            {
                path = path.Child(below[i]);
            }

            found.Add(path);
        }
        else
        {
            foreach (var (parent, key) in ParentsOf(objectId))
            {
                if (!RealtimeKeys.IsValid(key))
                {
                    continue;
                }

                below.Add(key);
                Walk(parent, below, visiting, found, limit);
                below.RemoveAt(below.Count - 1);
            }
        }

        visiting.Remove(objectId);
    }

    private bool MergeCreate(LiveObject target, ObjectsMap? create, List<(string ObjectId, string? Key)>? changed)
    {
        if (target.CreateApplied)
        {
            return false;
        }

        target.CreateApplied = true;
        foreach (var (key, entry) in create?.Entries ?? new Dictionary<string, ObjectsMapEntry>())
        {
            SetEntry(target, key, entry.Tombstone ? new ObjectsMapEntry { Timeserial = entry.Timeserial, Tombstone = true } : entry, changed);
        }

        return true;
    }

    private bool SetEntry(LiveObject map, string key, ObjectsMapEntry next, List<(string ObjectId, string? Key)>? changed, bool force = false)
    {
        if (!force)
        {
            if (map.ClearTimeserial is { } cleared && (next.Timeserial is null || string.CompareOrdinal(cleared, next.Timeserial) >= 0))
            {
                return false;
            }

            if (map.Entries.TryGetValue(key, out var existing) && !IsNewer(existing.Timeserial, next.Timeserial))
            {
                return false;
            }
        }

        if (map.Entries.TryGetValue(key, out var old) && !old.Tombstone && old.Data?.ObjectId is { } oldChild)
        {
            RemoveParent(oldChild, map.Id, key);
        }

        map.Entries[key] = next;
        if (!next.Tombstone && next.Data?.ObjectId is { } child && GetOrCreateZero(child) is not null)
        {
            AddParent(child, map.Id, key);
        }

        changed?.Add((map.Id, key));
        return true;
    }

    private bool Clear(LiveObject map, string serial, List<(string ObjectId, string? Key)>? changed)
    {
        if (map.ClearTimeserial is { } cleared && string.CompareOrdinal(serial, cleared) <= 0)
        {
            return false;
        }

        map.ClearTimeserial = serial;
        foreach (var (key, entry) in map.Entries.ToList())
        {
            if (entry.Timeserial is null || string.CompareOrdinal(entry.Timeserial, serial) <= 0)
            {
                if (!entry.Tombstone && entry.Data?.ObjectId is { } child)
                {
                    RemoveParent(child, map.Id, key);
                }

                map.Entries.Remove(key);
                changed?.Add((map.Id, key));
            }
        }

        return true;
    }

    /// <summary>RTLM9: an operation wins over an entry only with a strictly newer serial; a missing serial is the earliest.</summary>
    private static bool IsNewer(string? entrySerial, string? opSerial) =>
        string.IsNullOrEmpty(entrySerial) ? !string.IsNullOrEmpty(opSerial) : !string.IsNullOrEmpty(opSerial) && string.CompareOrdinal(opSerial, entrySerial) > 0;

    private void AddParent(string child, string parent, string key)
    {
        if (!_parents.TryGetValue(child, out var set))
        {
            _parents[child] = set = [];
        }

        set.Add((parent, key));
    }

    private void RemoveParent(string child, string parent, string key)
    {
        if (_parents.TryGetValue(child, out var set) && set.Remove((parent, key)) && set.Count == 0)
        {
            _parents.Remove(child);
        }
    }
}
