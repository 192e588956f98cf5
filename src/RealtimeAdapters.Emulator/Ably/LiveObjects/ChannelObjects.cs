using System.Globalization;
using System.Text.Json;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.LiveObjects;

namespace RealtimeAdapters.Emulator.Ably.LiveObjects;

/// <summary>
/// One channel's LiveObjects as the service keeps them (§3 of the spec): the object pool with the same conflict rules the
/// clients apply, strictly increasing serials, and the attachments holding <c>object_subscribe</c>. A publish is checked
/// whole before anything is applied (all its operations or none), creates are verified against their id and expanded,
/// and each operation is broadcast to every subscriber, the publisher included, before the publisher's ACK is queued.
/// One lock orders publishes and syncs, so a sync holds exactly the operations before it and the subscriber receives
/// every one after it.
/// </summary>
internal sealed class ChannelObjects(string name, TimeProvider time)
{
    private const int SyncPageSize = 100;
    private const string SiteCode = "local";
    private static long _syncCount;
    private readonly Lock _gate = new();
    private readonly ObjectPool _pool = new();
    private readonly List<Subscriber> _subscribers = [];

    // The live objects the last collection found unreachable: deleted if the next one still does.
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private long _lastMs;
    private long _sequence;

    public string Name => name;

    /// <summary>
    /// Under the channel's lock: queues ATTACHED (through <paramref name="attached"/>), then the sync of every object (always
    /// including <c>root</c>, <c>state</c> always present), and subscribes <paramref name="post"/> to later operations.
    /// </summary>
    /// <returns>The subscription; dispose it when the attachment ends.</returns>
    public IDisposable Attach(string connectionId, Action attached, Action<ProtocolMessage> post)
    {
        lock (_gate)
        {
            attached();
            var states = _pool.ToStates();

            // root first: an empty sync pool would skip the overwrite step on the client (RTO5c).
            states.Sort(static (a, b) => (a.ObjectId == ObjectIds.Root ? 0 : 1).CompareTo(b.ObjectId == ObjectIds.Root ? 0 : 1));
            var syncId = "objects" + Interlocked.Increment(ref _syncCount).ToString(CultureInfo.InvariantCulture);
            var offset = 0;
            do
            {
                var last = offset + SyncPageSize >= states.Count;
                post(new ProtocolMessage
                {
                    Action = ProtocolAction.ObjectSync,
                    Channel = name,
                    ChannelSerial = syncId + ":" + (last ? string.Empty : (offset + SyncPageSize).ToString(CultureInfo.InvariantCulture)),
                    State = [.. states.Skip(offset).Take(SyncPageSize).Select(s => new ObjectMessage { Object = s })],
                });
                offset += SyncPageSize;
            }
            while (offset < states.Count);

            var subscriber = new Subscriber(this, connectionId, post);
            _subscribers.Add(subscriber);
            return subscriber;
        }
    }

    /// <summary>
    /// Applies one OBJECT frame's operations, all or none, broadcasts them and returns their serials in order.
    /// </summary>
    /// <exception cref="AblyProtocolException">An operation is invalid (92000), too large (40009, 92001).</exception>
    /// <param name="messages">The operations, in client form.</param>
    /// <param name="connectionId">The publishing connection (its held view is delivered first), or the REST caller's.</param>
    /// <param name="clientId">The publisher's client id.</param>
    /// <param name="msgSerial">The frame's msgSerial (for the broadcast messages' ids).</param>
    /// <param name="maxMessageSize">The frame size limit.</param>
    /// <param name="allowClear">Whether MAP_CLEAR is accepted (from the REST API, as the service's own operation; realtime clients may not send it).</param>
    public IReadOnlyList<string?> Publish(IReadOnlyList<ObjectMessage> messages, string connectionId, string? clientId, long? msgSerial, int maxMessageSize, bool allowClear = false)
    {
        var size = ObjectMessageSize.Of(messages);
        if (size > maxMessageSize)
        {
            throw Fail(AblyErrorCodes.MessageTooLarge, $"Object message too large: {size} bytes, the limit is {maxMessageSize}.");
        }

        lock (_gate)
        {
            // A connection whose view was held stale gets the operations it missed before its publish is answered.
            ReleaseLocked(connectionId);

            var operations = new List<ObjectOperation>(messages.Count);
            var created = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var message in messages)
            {
                operations.Add(Check(message.Operation ?? throw Fail(AblyErrorCodes.InvalidObject, "An OBJECT message needs an operation."), created, maxMessageSize, allowClear));
            }

            var now = Now();
            var serials = new string?[operations.Count];
            var broadcast = new ObjectMessage[operations.Count];
            var dropped = new List<string>();
            for (var i = 0; i < operations.Count; i++)
            {
                var serial = NextSerial(now);
                serials[i] = serial;
                _pool.CollectDroppedReferences(operations[i], dropped);
                _pool.Apply(operations[i], serial, SiteCode, now, fromChannel: true, null);
                broadcast[i] = new ObjectMessage
                {
                    Id = string.Create(CultureInfo.InvariantCulture, $"{connectionId}:{msgSerial ?? 0}:{i}"),
                    ClientId = clientId,
                    ConnectionId = connectionId,
                    Timestamp = now,
                    Operation = operations[i],
                    Serial = serial,
                    SerialTimestamp = now,
                    SiteCode = SiteCode,
                };
            }

            Broadcast(broadcast, now);

            // Objects the frame left unreferenced are deleted at once (RTLO4e), so a client still writing to them with an
            // older view is refused instead of writing where no one can see.
            Delete(dropped, now);
            return serials;
        }
    }

    /// <summary>
    /// Withholds the channel's object operations from <paramref name="connectionId"/> until it next publishes object
    /// operations on the channel (they are then delivered before the publish is answered) or <see cref="ReleaseHeld"/>:
    /// its view stays stale meanwhile, deterministically.
    /// </summary>
    /// <returns>Whether the connection has an objects attachment on the channel.</returns>
    public bool Hold(string connectionId)
    {
        lock (_gate)
        {
            var found = false;
            foreach (var subscriber in _subscribers)
            {
                if (subscriber.ConnectionId == connectionId)
                {
                    subscriber.Hold();
                    found = true;
                }
            }

            return found;
        }
    }

    /// <summary>Delivers what <see cref="Hold"/> withheld from <paramref name="connectionId"/> and stops withholding.</summary>
    public void ReleaseHeld(string connectionId)
    {
        lock (_gate)
        {
            ReleaseLocked(connectionId);
        }
    }

    private void ReleaseLocked(string connectionId)
    {
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.ConnectionId == connectionId)
            {
                subscriber.Release();
            }
        }
    }

    /// <summary>
    /// Garbage collection (RTO10, §2.7): live objects that could not be reached from root at this collection and the one
    /// before are deleted (OBJECT_DELETE to every subscriber; a REST client may create an object and link it in a later
    /// request), and tombstones older than <paramref name="gracePeriod"/> are dropped.
    /// </summary>
    public void CollectGarbage(TimeSpan gracePeriod)
    {
        lock (_gate)
        {
            var now = Now();
            var unreachable = _pool.Unreachable();
            Delete([.. unreachable.Where(_unreachable.Contains)], now);
            _unreachable.Clear();
            _unreachable.UnionWith(unreachable.Where(id => _pool.TryGet(id, out var o) && !o.Tombstone));
            _pool.CollectTombstones(now, (long)gracePeriod.TotalMilliseconds);
        }
    }

    /// <summary>How many objects the channel holds, deleted ones included, and how many removed entries it keeps (for tests).</summary>
    internal (int Objects, int Tombstones) Counts()
    {
        lock (_gate)
        {
            return (_pool.Count, _pool.TombstoneCount);
        }
    }

    /// <summary>Deletes the candidates no live entry references any more, and what only they referenced, in one OBJECT frame.</summary>
    private void Delete(List<string> candidates, long now)
    {
        var deletes = new List<ObjectMessage>();
        var pending = new Queue<string>(candidates);
        while (pending.TryDequeue(out var id))
        {
            if (!_pool.IsOrphan(id))
            {
                continue;
            }

            var children = _pool.ChildrenOf(id);
            var serial = NextSerial(now);
            var delete = new ObjectOperation { Action = ObjectOperationAction.ObjectDelete, ObjectId = id };
            _pool.Apply(delete, serial, SiteCode, now, fromChannel: true, null);
            deletes.Add(new ObjectMessage
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"objects-gc:{serial}"),
                Timestamp = now,
                Operation = delete,
                Serial = serial,
                SerialTimestamp = now,
                SiteCode = SiteCode,
            });
            foreach (var child in children)
            {
                pending.Enqueue(child);
            }
        }

        if (deletes.Count > 0)
        {
            Broadcast([.. deletes], now);
        }
    }

    private void Broadcast(ObjectMessage[] messages, long now)
    {
        var frame = new ProtocolMessage { Action = ProtocolAction.Object, Channel = name, State = messages, Timestamp = now };
        foreach (var subscriber in _subscribers)
        {
            subscriber.Post(frame);
        }
    }

    private long Now()
    {
        _lastMs = Math.Max(_lastMs, time.GetUtcNow().ToUnixTimeMilliseconds());
        return _lastMs;
    }

    private string NextSerial(long now) => string.Create(CultureInfo.InvariantCulture, $"{now:D14}-{++_sequence:D9}@{SiteCode}");

    /// <summary>
    /// The live objects a REST path names (§2.8): dot-separated keys from root (<c>\.</c> escapes a dot), <c>*</c> matching
    /// every entry of one level; the empty path is root.
    /// </summary>
    /// <exception cref="AblyProtocolException">Nothing matched (92005).</exception>
    public List<string> Resolve(string path)
    {
        lock (_gate)
        {
            var current = new List<string> { ObjectIds.Root };
            foreach (var segment in ObjectPaths.Split(path))
            {
                var next = new List<string>();
                foreach (var id in current)
                {
                    if (!_pool.TryGet(id, out var map) || !map.IsMap)
                    {
                        continue;
                    }

                    foreach (var (key, entry) in map.Entries)
                    {
                        if ((segment == "*" || key == segment) && !entry.Tombstone && entry.Data?.ObjectId is { } child &&
                            _pool.TryGet(child, out var o) && !o.Tombstone)
                        {
                            next.Add(child);
                        }
                    }
                }

                current = next;
            }

            return current.Count > 0 ? current : throw Fail(AblyErrorCodes.PathMatchedNoObjects, $"No objects matched path: \"{path}\".");
        }
    }

    /// <summary>
    /// Writes the REST view (§2.8) of the object <paramref name="objectId"/> (root when null), or of the entry
    /// <paramref name="path"/> names below it: compact (maps as JSON objects, counters as numbers, leaves as values, JSON
    /// leaves as their text) or full (object ids, <c>map</c>/<c>counter</c> with typed entries). An object reached again
    /// below itself is written as <c>{"objectId"}</c>.
    /// </summary>
    /// <exception cref="AblyProtocolException">The object or path does not exist (92004, status 404).</exception>
    public void WriteView(Utf8JsonWriter w, string? objectId, string? path, bool compact)
    {
        lock (_gate)
        {
            var id = objectId ?? ObjectIds.Root;
            if (!_pool.TryGet(id, out var start) || start.Tombstone)
            {
                throw Fail(AblyErrorCodes.ObjectNotFound, $"Unable to fetch objects tree for not found object: \"{id}\".");
            }

            var data = new ObjectData { ObjectId = id };
            foreach (var segment in string.IsNullOrEmpty(path) ? [] : ObjectPaths.Split(path))
            {
                if (data.ObjectId is not { } at || !_pool.TryGet(at, out var map) || !map.IsMap ||
                    !map.Entries.TryGetValue(segment, out var entry) || entry.Tombstone || entry.Data is not { } next)
                {
                    throw Fail(AblyErrorCodes.ObjectNotFound, $"Nothing at path \"{path}\" of object \"{id}\".");
                }

                data = next;
            }

            WriteView(w, data, compact, new HashSet<string>(StringComparer.Ordinal));
        }
    }

    private void WriteView(Utf8JsonWriter w, ObjectData data, bool compact, HashSet<string> visiting)
    {
        if (data.ObjectId is not { } id)
        {
            if (!compact)
            {
                ObjectMessageCodec.WriteData(w, data);
            }
            else if ((data.String ?? data.Bytes ?? data.Json) is { } text)
            {
                w.WriteStringValue(text);
            }
            else if (data.Number is { } n)
            {
                w.WriteNumberValue(n);
            }
            else
            {
                w.WriteBooleanValue(data.Boolean ?? false);
            }

            return;
        }

        if (!_pool.TryGet(id, out var o) || o.Tombstone || !visiting.Add(id))
        {
            w.WriteStartObject();
            w.WriteString("objectId", id);
            w.WriteEndObject();
            return;
        }

        if (!o.IsMap)
        {
            if (compact)
            {
                w.WriteNumberValue(o.Count);
            }
            else
            {
                w.WriteStartObject();
                w.WriteString("objectId", id);
                w.WriteStartObject("counter");
                w.WriteStartObject("data");
                w.WriteNumber("number", o.Count);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }
        else
        {
            w.WriteStartObject();
            if (!compact)
            {
                w.WriteString("objectId", id);
                w.WriteStartObject("map");
                w.WriteString("semantics", "LWW");
                w.WriteStartObject("entries");
            }

            foreach (var (key, entry) in o.Entries)
            {
                if (entry.Tombstone || entry.Data is not { } value)
                {
                    continue;
                }

                w.WritePropertyName(key);
                if (!compact)
                {
                    w.WriteStartObject();
                    w.WritePropertyName("data");
                }

                WriteView(w, value, compact, visiting);
                if (!compact)
                {
                    w.WriteEndObject();
                }
            }

            if (!compact)
            {
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        visiting.Remove(id);
    }

    /// <summary>The JSON view of the objects reachable from root (for tests and tools).</summary>
    public DataNode Materialise()
    {
        lock (_gate)
        {
            return _pool.Materialise(ObjectIds.Root);
        }
    }

    /// <summary>Checks one operation against the pool (and the objects created earlier in the same frame) and returns its server form.</summary>
    private ObjectOperation Check(ObjectOperation op, Dictionary<string, bool> created, int maxMessageSize, bool allowClear)
    {
        var type = ObjectIds.TypeOf(op.ObjectId) ?? throw Fail(AblyErrorCodes.InvalidObject, $"Invalid object id \"{op.ObjectId}\".");
        switch (op.Action)
        {
            case ObjectOperationAction.MapCreate or ObjectOperationAction.CounterCreate:
            {
                var isMap = op.Action == ObjectOperationAction.MapCreate;
                var create = (isMap ? op.MapCreateWithObjectId : op.CounterCreateWithObjectId) ??
                    throw Fail(AblyErrorCodes.InvalidObject, $"A {(isMap ? "MAP_CREATE" : "COUNTER_CREATE")} needs {(isMap ? "mapCreateWithObjectId" : "counterCreateWithObjectId")} (initialValue and nonce).");
                if (type != (isMap ? "map" : "counter") || !ObjectIds.Matches(op.ObjectId, type, create.InitialValue, create.Nonce))
                {
                    throw Fail(AblyErrorCodes.InvalidObject, $"The object id \"{op.ObjectId}\" does not match the create's initial value and nonce.");
                }

                if (_pool.TryGet(op.ObjectId, out var deleted) && deleted.Tombstone)
                {
                    throw Fail(AblyErrorCodes.ObjectTombstoned, Deleted(op.ObjectId));
                }

                JsonElement initial;
                try
                {
                    initial = JsonWire.ParseElement(create.InitialValue);
                }
                catch (AblyProtocolException)
                {
                    throw Fail(AblyErrorCodes.InvalidObject, "The create's initialValue is not JSON.");
                }

                created[op.ObjectId] = isMap;
                if (!isMap)
                {
                    var count = initial.ValueKind == JsonValueKind.Object && initial.TryGetProperty("count", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : 0;
                    return new ObjectOperation { Action = op.Action, ObjectId = op.ObjectId, CounterCreateCount = count };
                }

                ObjectsMap map;
                try
                {
                    map = ObjectMessageCodec.ReadMap(initial, "initialValue");
                }
                catch (AblyProtocolException ex)
                {
                    throw Fail(AblyErrorCodes.InvalidObject, "The create's initialValue is not a MapCreate: " + ex.Message);
                }

                foreach (var (_, entry) in map.Entries)
                {
                    if (entry.Data is { } data)
                    {
                        CheckData(data, created);
                    }
                }

                CheckObjectSize(op.ObjectId, ObjectMessageSize.Of(map), maxMessageSize);
                return new ObjectOperation { Action = op.Action, ObjectId = op.ObjectId, MapCreate = map };
            }

            case ObjectOperationAction.MapSet:
                RequireTarget(op.ObjectId, map: true, created);
                var value = op.MapSetValue ?? throw Fail(AblyErrorCodes.InvalidObject, "A MAP_SET needs a value.");
                if (op.MapSetKey is null)
                {
                    throw Fail(AblyErrorCodes.InvalidObject, "A MAP_SET needs a key.");
                }

                CheckData(value, created);
                CheckObjectSize(op.ObjectId, ObjectMessageSize.Of(value) + System.Text.Encoding.UTF8.GetByteCount(op.MapSetKey), maxMessageSize);
                return new ObjectOperation { Action = op.Action, ObjectId = op.ObjectId, MapSetKey = op.MapSetKey, MapSetValue = value };
            case ObjectOperationAction.MapRemove:
                RequireTarget(op.ObjectId, map: true, created);
                return new ObjectOperation
                {
                    Action = op.Action,
                    ObjectId = op.ObjectId,
                    MapRemoveKey = op.MapRemoveKey ?? throw Fail(AblyErrorCodes.InvalidObject, "A MAP_REMOVE needs a key."),
                };
            case ObjectOperationAction.MapClear when allowClear:
                RequireTarget(op.ObjectId, map: true, created);
                return new ObjectOperation { Action = op.Action, ObjectId = op.ObjectId };
            case ObjectOperationAction.CounterInc:
                RequireTarget(op.ObjectId, map: false, created);
                return op.CounterIncNumber is { } amount && double.IsFinite(amount)
                    ? new ObjectOperation { Action = op.Action, ObjectId = op.ObjectId, CounterIncNumber = amount }
                    : throw Fail(AblyErrorCodes.InvalidObject, "A COUNTER_INC needs a finite number.");
            default:
                throw Fail(AblyErrorCodes.InvalidObject, string.Create(CultureInfo.InvariantCulture, $"Unsupported object operation action {(int)op.Action}."));
        }
    }

    private void RequireTarget(string objectId, bool map, Dictionary<string, bool> created)
    {
        bool isMap;
        if (created.TryGetValue(objectId, out var createdMap))
        {
            isMap = createdMap;
        }
        else if (_pool.TryGet(objectId, out var existing))
        {
            isMap = existing.Tombstone ? throw Fail(AblyErrorCodes.ObjectTombstoned, Deleted(objectId)) : existing.IsMap;
        }
        else
        {
            throw Fail(AblyErrorCodes.InvalidObject, $"The object \"{objectId}\" does not exist.");
        }

        if (isMap != map)
        {
            throw Fail(AblyErrorCodes.InvalidObject, $"The object \"{objectId}\" is a {(isMap ? "map" : "counter")}; the operation needs a {(map ? "map" : "counter")}.");
        }
    }

    private void CheckData(ObjectData data, Dictionary<string, bool> created)
    {
        if (!data.IsValid)
        {
            throw Fail(AblyErrorCodes.InvalidObject, "Object data must hold exactly one of objectId, string, number, boolean, bytes or json.");
        }

        if (data.ObjectId is { } id && !created.ContainsKey(id) && !(_pool.TryGet(id, out var o) && !o.Tombstone))
        {
            throw o is null ? Fail(AblyErrorCodes.InvalidObject, $"The referenced object \"{id}\" does not exist.") : Fail(AblyErrorCodes.ObjectTombstoned, Deleted(id));
        }

        if (data.Number is { } n && !double.IsFinite(n))
        {
            throw Fail(AblyErrorCodes.InvalidObject, "Object data numbers must be finite.");
        }

        if (data.Json is { } json)
        {
            try
            {
                var element = JsonWire.ParseElement(json);
                if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                {
                    throw Fail(AblyErrorCodes.InvalidObject, "A json value must be an object or an array.");
                }
            }
            catch (AblyProtocolException ex) when (ex.Error.Code != AblyErrorCodes.InvalidObject)
            {
                throw Fail(AblyErrorCodes.InvalidObject, "A json value must be valid JSON text.");
            }
        }
    }

    /// <summary>One object may not grow beyond maxMessageSize (92001).</summary>
    private void CheckObjectSize(string objectId, long added, int maxMessageSize)
    {
        long size = added;
        if (_pool.TryGet(objectId, out var o))
        {
            foreach (var (key, entry) in o.Entries)
            {
                if (!entry.Tombstone && entry.Data is { } data)
                {
                    size += System.Text.Encoding.UTF8.GetByteCount(key) + ObjectMessageSize.Of(data);
                }
            }
        }

        if (size > maxMessageSize)
        {
            throw Fail(AblyErrorCodes.ObjectsLimitExceeded, $"The object \"{objectId}\" would be {size} bytes; an object may hold at most {maxMessageSize}.");
        }
    }

    private static AblyProtocolException Fail(int code, string message) => AblyAuthority.Fail(code, message);

    private static string Deleted(string objectId) =>
        $"Unable to submit operation on tombstone object: \"{objectId}\" was deleted (removed from the tree); plan the write again against the current objects.";

    private sealed class Subscriber(ChannelObjects owner, string connectionId, Action<ProtocolMessage> post) : IDisposable
    {
        private List<ProtocolMessage>? _held;

        public string ConnectionId => connectionId;

        /// <summary>Posts <paramref name="frame"/>, or keeps it while held (under the owner's lock).</summary>
        public void Post(ProtocolMessage frame)
        {
            if (_held is { } held)
            {
                held.Add(frame);
            }
            else
            {
                post(frame);
            }
        }

        public void Hold() => _held ??= [];

        public void Release()
        {
            var held = _held;
            _held = null;
            foreach (var frame in held ?? [])
            {
                post(frame);
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                _held = null;
                owner._subscribers.Remove(this);
            }
        }
    }
}
