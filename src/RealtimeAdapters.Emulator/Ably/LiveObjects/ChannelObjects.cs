using System.Globalization;
using System.Text.Json;
using RealtimeAdapters.Ably.LiveObjects;
using RealtimeAdapters.Ably.Protocol;

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
    private long _lastMs;
    private long _sequence;

    public string Name => name;

    /// <summary>
    /// Under the channel's lock: queues ATTACHED (through <paramref name="attached"/>), then the sync of every object (always
    /// including <c>root</c>, <c>state</c> always present), and subscribes <paramref name="post"/> to later operations.
    /// </summary>
    /// <returns>The subscription; dispose it when the attachment ends.</returns>
    public IDisposable Attach(Action attached, Action<ProtocolMessage> post)
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

            var subscriber = new Subscriber(this, post);
            _subscribers.Add(subscriber);
            return subscriber;
        }
    }

    /// <summary>
    /// Applies one OBJECT frame's operations, all or none, broadcasts them and returns their serials in order.
    /// </summary>
    /// <exception cref="AblyProtocolException">An operation is invalid (92000), too large (40009, 92001).</exception>
    public IReadOnlyList<string?> Publish(IReadOnlyList<ObjectMessage> messages, string connectionId, string? clientId, long? msgSerial, int maxMessageSize)
    {
        var size = ObjectMessageSize.Of(messages);
        if (size > maxMessageSize)
        {
            throw Fail(AblyErrorCodes.MessageTooLarge, $"Object message too large: {size} bytes, the limit is {maxMessageSize}.");
        }

        lock (_gate)
        {
            var operations = new List<ObjectOperation>(messages.Count);
            var created = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var message in messages)
            {
                operations.Add(Check(message.Operation ?? throw Fail(AblyErrorCodes.InvalidObject, "An OBJECT message needs an operation."), created, maxMessageSize));
            }

            var now = Math.Max(_lastMs, time.GetUtcNow().ToUnixTimeMilliseconds());
            _lastMs = now;
            var serials = new string?[operations.Count];
            var broadcast = new ObjectMessage[operations.Count];
            for (var i = 0; i < operations.Count; i++)
            {
                var serial = string.Create(CultureInfo.InvariantCulture, $"{now:D14}-{++_sequence:D9}@{SiteCode}");
                serials[i] = serial;
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

            var frame = new ProtocolMessage { Action = ProtocolAction.Object, Channel = name, State = broadcast, Timestamp = now };
            foreach (var subscriber in _subscribers)
            {
                subscriber.Post(frame);
            }

            return serials;
        }
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
    private ObjectOperation Check(ObjectOperation op, Dictionary<string, bool> created, int maxMessageSize)
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
        else if (_pool.TryGet(objectId, out var existing) && !existing.Tombstone)
        {
            isMap = existing.IsMap;
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
            throw Fail(AblyErrorCodes.InvalidObject, $"The referenced object \"{id}\" does not exist.");
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

    private sealed class Subscriber(ChannelObjects owner, Action<ProtocolMessage> post) : IDisposable
    {
        public void Post(ProtocolMessage frame) => post(frame);

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._subscribers.Remove(this);
            }
        }
    }
}
