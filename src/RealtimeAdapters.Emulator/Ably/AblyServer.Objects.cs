using System.Security.Cryptography;
using System.Text.Json;
using MessagePack;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.LiveObjects;
using RealtimeAdapters.Emulator.Ably.LiveObjects;

namespace RealtimeAdapters.Emulator.Ably;

// AblyServer: the LiveObjects REST API (§2.8 of the spec, as ably-js 2.28.0's RestObject speaks it): GET
// /channels/{channel}/object[/{objectId}] and POST /channels/{channel}/object.
internal sealed partial class AblyServer
{
    /// <summary>GET: the channel's objects (or one object, or the entry a path names), compact unless <c>compact=false</c>.</summary>
    private async Task GetObjectAsync(HttpContext context, string channel, string? objectId)
    {
        var auth = Authenticate(context.Request);
        Require(auth, channel, "object-subscribe");
        var query = context.Request.Query;
        var compact = query["compact"].FirstOrDefault() is not "false";
        var path = query["path"].FirstOrDefault();
        var objects = Objects.Find(channel) ??
            throw AblyAuthority.Fail(AblyErrorCodes.ObjectNotFound, $"Unable to fetch objects tree for not found object: \"{objectId ?? ObjectIds.Root}\" (the channel has no objects).");
        await WriteJsonAsync(context, 200, w => objects.WriteView(w, objectId, path, compact)).ConfigureAwait(false);
    }

    /// <summary>
    /// POST: one operation or an array of them, all applied or none, broadcast to the channel's object subscribers. The
    /// action is inferred from the payload field; an operation targets <c>objectId</c> or <c>path</c> (with <c>*</c>
    /// wildcards); <c>mapCreate</c>/<c>counterCreate</c> get an id made here (and are set at <c>path</c> when given).
    /// <c>mapClear</c> (the service's MAP_CLEAR) is accepted here too, as an emulator extension.
    /// </summary>
    private async Task PublishObjectsAsync(HttpContext context, string channel)
    {
        var auth = Authenticate(context.Request);
        Require(auth, channel, "object-publish");
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        JsonElement request;
        if (BodyFormat(context.Request) == WireFormat.MsgPack)
        {
            var reader = new MessagePackReader(body);
            request = MsgPackWire.ReadAsJson(ref reader, 0);
        }
        else
        {
            request = JsonWire.ParseElement(body);
        }

        var items = request.ValueKind == JsonValueKind.Array ? [.. request.EnumerateArray()] : new List<JsonElement> { request };
        if (items.Count == 0)
        {
            throw AblyAuthority.Fail(AblyErrorCodes.BadRequest, "No operations to publish.");
        }

        var objects = Objects.Get(channel);
        var operations = new List<ObjectOperation>();
        var affected = new List<string>();
        string? messageId = null;
        var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw AblyAuthority.Fail(AblyErrorCodes.BadRequest, "Each operation must be a JSON object.");
            }

            messageId ??= Text(item, "id");
            AddRestOperation(item, objects, operations, affected, now);
        }

        objects.Publish([.. operations.Select(o => new ObjectMessage { Operation = o })], "rest", auth.EnforcedClientId, null, Options.MaxMessageSize, allowClear: true);
        messageId ??= "rest-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() + ":0";
        await WriteJsonAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("messageId", messageId);
            w.WriteString("channel", channel);
            w.WriteStartArray("objectIds");
            foreach (var id in affected.Distinct(StringComparer.Ordinal))
            {
                w.WriteStringValue(id);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>Turns one REST operation into realtime operations (client form: creates carry their id, initial value and nonce).</summary>
    private static void AddRestOperation(JsonElement op, ChannelObjects objects, List<ObjectOperation> operations, List<string> affected, long now)
    {
        var objectId = Text(op, "objectId");
        var path = Text(op, "path");
        var mapCreate = op.TryGetProperty("mapCreate", out var mc) ? mc : (JsonElement?)null;
        var counterCreate = op.TryGetProperty("counterCreate", out var cc) ? cc : (JsonElement?)null;
        if (mapCreate is not null || counterCreate is not null)
        {
            var type = mapCreate is not null ? "map" : "counter";
            var initialValue = mapCreate is { } m
                ? ObjectMessageCodec.MapCreateText(Read(() => ObjectMessageCodec.ReadMap(m, "mapCreate")))
                : ObjectMessageCodec.CounterCreateText(counterCreate!.Value.TryGetProperty("count", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetDouble() : 0);
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', '-').Replace('/', '_');
            var id = ObjectIds.Create(type, initialValue, nonce, now);
            operations.Add(Create(type, id, new ObjectCreate(initialValue, nonce)));
            affected.Add(id);
            if (path is not null)
            {
                if (path.Length == 0 || ObjectPaths.Split(path).Contains("*"))
                {
                    throw AblyAuthority.Fail(AblyErrorCodes.PathNotProcessable, $"Path not processable: a create needs one map entry to set, not \"{path}\".");
                }

                var (parent, key) = ObjectPaths.SplitLast(path);
                var target = objects.Resolve(parent);
                operations.Add(new ObjectOperation { Action = ObjectOperationAction.MapSet, ObjectId = target[0], MapSetKey = key, MapSetValue = new ObjectData { ObjectId = id } });
                affected.Add(target[0]);
            }

            return;
        }

        foreach (var (field, type) in new[] { ("mapCreateWithObjectId", "map"), ("counterCreateWithObjectId", "counter") })
        {
            if (op.TryGetProperty(field, out var create))
            {
                var id = objectId ?? throw AblyAuthority.Fail(AblyErrorCodes.ObjectIdOrPathRequired, $"A {field} needs the objectId it was made for.");
                operations.Add(Create(type, id, new ObjectCreate(
                    Text(create, "initialValue") ?? throw AblyAuthority.Fail(AblyErrorCodes.InvalidObject, $"{field} needs initialValue."),
                    Text(create, "nonce") ?? throw AblyAuthority.Fail(AblyErrorCodes.InvalidObject, $"{field} needs nonce."))));
                affected.Add(id);
                return;
            }
        }

        var targets = objectId is not null ? [objectId]
            : path is not null ? objects.Resolve(path)
            : throw AblyAuthority.Fail(AblyErrorCodes.ObjectIdOrPathRequired, "Object id or path required.");
        foreach (var target in targets)
        {
            operations.Add(Operation(op, target));
        }

        affected.AddRange(targets);
    }

    private static ObjectOperation Operation(JsonElement op, string target)
    {
        if (op.TryGetProperty("mapSet", out var set))
        {
            return new ObjectOperation
            {
                Action = ObjectOperationAction.MapSet,
                ObjectId = target,
                MapSetKey = Text(set, "key"),
                MapSetValue = set.TryGetProperty("value", out var value) ? Read(() => ObjectMessageCodec.ReadData(value)) : null,
            };
        }

        if (op.TryGetProperty("mapRemove", out var remove))
        {
            return new ObjectOperation { Action = ObjectOperationAction.MapRemove, ObjectId = target, MapRemoveKey = Text(remove, "key") };
        }

        if (op.TryGetProperty("counterInc", out var inc))
        {
            return new ObjectOperation
            {
                Action = ObjectOperationAction.CounterInc,
                ObjectId = target,
                CounterIncNumber = inc.ValueKind == JsonValueKind.Object && inc.TryGetProperty("number", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetDouble() : null,
            };
        }

        if (op.TryGetProperty("mapClear", out _))
        {
            return new ObjectOperation { Action = ObjectOperationAction.MapClear, ObjectId = target };
        }

        throw AblyAuthority.Fail(AblyErrorCodes.InvalidObject, "Unknown object operation: use mapCreate, mapSet, mapRemove, counterCreate, counterInc, mapCreateWithObjectId, counterCreateWithObjectId or mapClear.");
    }

    private static ObjectOperation Create(string type, string id, ObjectCreate create) => type == "map"
        ? new ObjectOperation { Action = ObjectOperationAction.MapCreate, ObjectId = id, MapCreateWithObjectId = create }
        : new ObjectOperation { Action = ObjectOperationAction.CounterCreate, ObjectId = id, CounterCreateWithObjectId = create };

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Reads with the realtime codec; its malformed-input errors become 92000.</summary>
    private static T Read<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (AblyProtocolException ex)
        {
            throw AblyAuthority.Fail(AblyErrorCodes.InvalidObject, "Invalid object operation: " + ex.Error.Message);
        }
    }
}
