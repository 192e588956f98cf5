using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol.LiveObjects;

/// <summary>
/// Object messages in their JSON shape (§2.3 of the spec): what the JSON protocol carries, and what the msgpack codec
/// converts from and to (bytes as bin there). A message that does not have this shape is a 40000 protocol error.
/// </summary>
public static class ObjectMessageCodec
{
    // ---------------------------------------------------------------- readers

    /// <summary>Reads an ObjectMessage (OM2) from its JSON form.</summary>
    public static ObjectMessage Read(JsonElement e)
    {
        Expect(e, JsonValueKind.Object, "ObjectMessage");
        return new ObjectMessage
        {
            Id = Str(e, "id"),
            ClientId = Str(e, "clientId"),
            ConnectionId = Str(e, "connectionId"),
            Timestamp = Long(e, "timestamp"),
            Operation = Get(e, "operation") is { } op ? ReadOperation(op) : null,
            Object = Get(e, "object") is { } state ? ReadState(state) : null,
            Serial = Str(e, "serial"),
            SerialTimestamp = Long(e, "serialTimestamp"),
            SiteCode = Str(e, "siteCode"),
            Extras = Get(e, "extras") is { } extras ? extras.Clone() : null,
        };
    }

    internal static ObjectOperation ReadOperation(JsonElement e)
    {
        Expect(e, JsonValueKind.Object, "operation");
        var action = Get(e, "action") is { } a && a.ValueKind == JsonValueKind.Number && a.TryGetInt32(out var n)
            ? (ObjectOperationAction)n
            : throw Malformed("An object operation needs a numeric 'action'.");
        return new ObjectOperation
        {
            Action = action,
            ObjectId = Str(e, "objectId") ?? string.Empty,
            MapCreate = Get(e, "mapCreate") is { } mc ? ReadMap(mc, "mapCreate") : null,
            MapCreateWithObjectId = Get(e, "mapCreateWithObjectId") is { } mco ? ReadCreate(mco) : null,
            MapSetKey = Get(e, "mapSet") is { } ms ? Str(ms, "key") : null,
            MapSetValue = Get(e, "mapSet") is { } ms2 && Get(ms2, "value") is { } v ? ReadData(v) : null,
            MapRemoveKey = Get(e, "mapRemove") is { } mr ? Str(mr, "key") : null,
            CounterCreateCount = Get(e, "counterCreate") is { } cc ? Num(cc, "count") ?? 0 : null,
            CounterCreateWithObjectId = Get(e, "counterCreateWithObjectId") is { } cco ? ReadCreate(cco) : null,
            CounterIncNumber = Get(e, "counterInc") is { } ci ? Num(ci, "number") : null,
        };
    }

    internal static ObjectState ReadState(JsonElement e)
    {
        Expect(e, JsonValueKind.Object, "object");
        var serials = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Get(e, "siteTimeserials") is { ValueKind: JsonValueKind.Object } sites)
        {
            foreach (var p in sites.EnumerateObject())
            {
                serials[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Malformed("siteTimeserials values must be strings.");
            }
        }

        return new ObjectState
        {
            ObjectId = Str(e, "objectId") ?? throw Malformed("An object state needs an 'objectId'."),
            SiteTimeserials = serials,
            Tombstone = Bool(e, "tombstone") ?? false,
            CreateOp = Get(e, "createOp") is { } create ? ReadOperation(create) : null,
            Map = Get(e, "map") is { } map ? ReadMap(map, "map") : null,
            Counter = Get(e, "counter") is { } counter ? Num(counter, "count") ?? 0 : null,
        };
    }

    /// <summary>Reads a map (<c>mapCreate</c>, a state's <c>map</c>); <paramref name="what"/> names it in errors.</summary>
    public static ObjectsMap ReadMap(JsonElement e, string what)
    {
        Expect(e, JsonValueKind.Object, what);
        var entries = new Dictionary<string, ObjectsMapEntry>(StringComparer.Ordinal);
        if (Get(e, "entries") is { } list)
        {
            Expect(list, JsonValueKind.Object, what + ".entries");
            foreach (var p in list.EnumerateObject())
            {
                Expect(p.Value, JsonValueKind.Object, "map entry");
                entries[p.Name] = new ObjectsMapEntry
                {
                    Tombstone = Bool(p.Value, "tombstone") ?? false,
                    Timeserial = Str(p.Value, "timeserial"),
                    SerialTimestamp = Long(p.Value, "serialTimestamp"),
                    Data = Get(p.Value, "data") is { } d ? ReadData(d) : null,
                };
            }
        }

        var semantics = Get(e, "semantics");
        return new ObjectsMap
        {
            // The realtime wire carries the number; a string here ("LWW") is what the REST view uses, and is refused.
            Semantics = semantics is null ? 0 : semantics.Value.ValueKind == JsonValueKind.Number && semantics.Value.TryGetInt32(out var s)
                ? s
                : throw Malformed($"'{what}.semantics' must be a number."),
            Entries = entries,
            ClearTimeserial = Str(e, "clearTimeserial"),
        };
    }

    /// <summary>Reads an ObjectData (OD2).</summary>
    public static ObjectData ReadData(JsonElement e)
    {
        Expect(e, JsonValueKind.Object, "object data");
        return new ObjectData
        {
            ObjectId = Str(e, "objectId"),
            String = Str(e, "string"),
            Number = Num(e, "number"),
            Boolean = Bool(e, "boolean"),
            Bytes = Str(e, "bytes"),
            Json = Str(e, "json"),
        };
    }

    private static ObjectCreate ReadCreate(JsonElement e) =>
        new(Str(e, "initialValue") ?? throw Malformed("A create needs 'initialValue'."), Str(e, "nonce") ?? throw Malformed("A create needs 'nonce'."));

    // ---------------------------------------------------------------- writers

    /// <summary>Writes an ObjectMessage (OM2) as a JSON object.</summary>
    public static void Write(Utf8JsonWriter w, ObjectMessage m)
    {
        w.WriteStartObject();
        WriteIf(w, "id", m.Id);
        WriteIf(w, "clientId", m.ClientId);
        WriteIf(w, "connectionId", m.ConnectionId);
        WriteIf(w, "timestamp", m.Timestamp);
        if (m.Operation is { } op)
        {
            w.WritePropertyName("operation");
            WriteOperation(w, op);
        }

        if (m.Object is { } state)
        {
            w.WritePropertyName("object");
            WriteState(w, state);
        }

        WriteIf(w, "serial", m.Serial);
        WriteIf(w, "serialTimestamp", m.SerialTimestamp);
        WriteIf(w, "siteCode", m.SiteCode);
        if (m.Extras is { } extras)
        {
            w.WritePropertyName("extras");
            extras.WriteTo(w);
        }

        w.WriteEndObject();
    }

    internal static void WriteOperation(Utf8JsonWriter w, ObjectOperation op)
    {
        w.WriteStartObject();
        w.WriteNumber("action", (int)op.Action);
        w.WriteString("objectId", op.ObjectId);
        if (op.MapCreate is { } mc)
        {
            w.WritePropertyName("mapCreate");
            WriteMap(w, mc);
        }

        if (op.MapCreateWithObjectId is { } mco)
        {
            WriteCreate(w, "mapCreateWithObjectId", mco);
        }

        if (op.MapSetKey is { } key)
        {
            w.WriteStartObject("mapSet");
            w.WriteString("key", key);
            if (op.MapSetValue is { } value)
            {
                w.WritePropertyName("value");
                WriteData(w, value);
            }

            w.WriteEndObject();
        }

        if (op.MapRemoveKey is { } removed)
        {
            w.WriteStartObject("mapRemove");
            w.WriteString("key", removed);
            w.WriteEndObject();
        }

        if (op.CounterCreateCount is { } count)
        {
            w.WriteStartObject("counterCreate");
            w.WriteNumber("count", count);
            w.WriteEndObject();
        }

        if (op.CounterCreateWithObjectId is { } cco)
        {
            WriteCreate(w, "counterCreateWithObjectId", cco);
        }

        if (op.CounterIncNumber is { } inc)
        {
            w.WriteStartObject("counterInc");
            w.WriteNumber("number", inc);
            w.WriteEndObject();
        }

        if (op.Action == ObjectOperationAction.ObjectDelete)
        {
            w.WriteStartObject("objectDelete");
            w.WriteEndObject();
        }
        else if (op.Action == ObjectOperationAction.MapClear)
        {
            w.WriteStartObject("mapClear");
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static void WriteState(Utf8JsonWriter w, ObjectState s)
    {
        w.WriteStartObject();
        w.WriteString("objectId", s.ObjectId);
        w.WriteStartObject("siteTimeserials");
        foreach (var (site, serial) in s.SiteTimeserials)
        {
            w.WriteString(site, serial);
        }

        w.WriteEndObject();
        w.WriteBoolean("tombstone", s.Tombstone);
        if (s.CreateOp is { } create)
        {
            w.WritePropertyName("createOp");
            WriteOperation(w, create);
        }

        if (s.Map is { } map)
        {
            w.WritePropertyName("map");
            WriteMap(w, map);
        }

        if (s.Counter is { } count)
        {
            w.WriteStartObject("counter");
            w.WriteNumber("count", count);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static void WriteMap(Utf8JsonWriter w, ObjectsMap map)
    {
        w.WriteStartObject();
        w.WriteNumber("semantics", map.Semantics);
        w.WriteStartObject("entries");
        foreach (var (key, entry) in map.Entries)
        {
            w.WriteStartObject(key);
            if (entry.Tombstone)
            {
                w.WriteBoolean("tombstone", true);
            }

            WriteIf(w, "timeserial", entry.Timeserial);
            WriteIf(w, "serialTimestamp", entry.SerialTimestamp);
            if (entry.Data is { } data)
            {
                w.WritePropertyName("data");
                WriteData(w, data);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        WriteIf(w, "clearTimeserial", map.ClearTimeserial);
        w.WriteEndObject();
    }

    /// <summary>Writes an ObjectData (OD2) as a JSON object.</summary>
    public static void WriteData(Utf8JsonWriter w, ObjectData d)
    {
        w.WriteStartObject();
        WriteIf(w, "objectId", d.ObjectId);
        WriteIf(w, "string", d.String);
        if (d.Number is { } n)
        {
            w.WriteNumber("number", n);
        }

        if (d.Boolean is { } b)
        {
            w.WriteBoolean("boolean", b);
        }

        WriteIf(w, "bytes", d.Bytes);
        WriteIf(w, "json", d.Json);
        w.WriteEndObject();
    }

    /// <summary>The JSON text of an encoded <c>MapCreate</c> (a create's <c>initialValue</c>).</summary>
    public static string MapCreateText(ObjectsMap map) => Text(w => WriteMap(w, map));

    /// <summary>The JSON text of an encoded <c>CounterCreate</c>.</summary>
    public static string CounterCreateText(double count) => Text(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("count", count);
        w.WriteEndObject();
    });

    /// <summary>The message as a JSON element (the msgpack codec writes it from there).</summary>
    internal static JsonElement ToElement(ObjectMessage m)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            Write(writer, m);
        }

        return JsonWire.ParseElement(buffer.WrittenMemory);
    }

    private static string Text(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, JsonWire.WriterOptions))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCreate(Utf8JsonWriter w, string name, ObjectCreate create)
    {
        w.WriteStartObject(name);
        w.WriteString("initialValue", create.InitialValue);
        w.WriteString("nonce", create.Nonce);
        w.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteIf(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static JsonElement? Get(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? value : null;

    private static string? Str(JsonElement e, string name) => Get(e, name) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Malformed($"Field '{name}' must be a string.")
        : null;

    private static double? Num(JsonElement e, string name) => Get(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Malformed($"Field '{name}' must be a number.")
        : null;

    private static long? Long(JsonElement e, string name) => Get(e, name) is { } v
        ? v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
            ? (long)d
            : throw Malformed($"Field '{name}' must be a number.")
        : null;

    private static bool? Bool(JsonElement e, string name) => Get(e, name) is { } v
        ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Malformed($"Field '{name}' must be a boolean."),
        }
        : null;

    private static void Expect(JsonElement e, JsonValueKind kind, string what)
    {
        if (e.ValueKind != kind)
        {
            throw Malformed(string.Create(CultureInfo.InvariantCulture, $"'{what}' must be a JSON {kind.ToString().ToLowerInvariant()}, not {e.ValueKind}."));
        }
    }

    private static AblyProtocolException Malformed(string message) => AblyProtocolException.Malformed(message);
}
