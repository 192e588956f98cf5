using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

// DataNode: reading JSON (text, elements, nodes, typed values) into normalised nodes.
public sealed partial class DataNode
{
    /// <summary>Parses JSON text into a normalised node (see <see cref="FromJson(JsonElement)"/>).</summary>
    /// <param name="json">JSON text.</param>
    /// <exception cref="RealtimeValidationException">The text is not JSON, or the value is not valid realtime data.</exception>
    public static DataNode Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>Parses UTF-8 JSON into a normalised node (see <see cref="FromJson(JsonElement)"/>).</summary>
    /// <param name="utf8Json">UTF-8 JSON.</param>
    /// <exception cref="RealtimeValidationException">The text is not JSON, or the value is not valid realtime data.</exception>
    public static DataNode Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            using var doc = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new RealtimeValidationException("Invalid data: unexpected content after the JSON value.");
            }

            return FromJson(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new RealtimeValidationException($"Invalid data: malformed JSON ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Converts JSON into a normalised node: nulls and empty containers dropped, arrays stored as integer-keyed objects,
    /// <c>.priority</c> and <c>.value</c> read as a priority, <c>{".sv": …}</c> read as a <see cref="ServerValue"/>.
    /// </summary>
    /// <param name="json">The JSON value.</param>
    /// <exception cref="RealtimeValidationException">A key is invalid, a number is not finite, or the value is too deep; the message names the location.</exception>
    public static DataNode FromJson(JsonElement json) => FromJson(json, new Location(), 0);

    /// <summary>Converts a <see cref="JsonNode"/> (or <see langword="null"/>) into a normalised node.</summary>
    /// <param name="json">The JSON value.</param>
    /// <exception cref="RealtimeValidationException">The value is not valid realtime data.</exception>
    public static DataNode FromJsonNode(JsonNode? json) =>
        json is null ? Null : FromJson(JsonSerializer.SerializeToElement(json, RealtimeJson.JsonNodeTypeInfo));

    /// <summary>Serializes <paramref name="value"/> with System.Text.Json and converts the result.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; <see cref="RealtimeJson.DefaultOptions"/> when omitted.</param>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static DataNode FromValue<T>(T value, JsonSerializerOptions? options = null) =>
        value is DataNode node ? node : FromJson(JsonSerializer.SerializeToElement(value, options ?? RealtimeJson.DefaultOptions));

    /// <summary>Serializes <paramref name="value"/> with source-generated metadata and converts the result.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">The serializer metadata for <typeparamref name="T"/>.</param>
    public static DataNode FromValue<T>(T value, JsonTypeInfo<T> typeInfo) => FromJson(JsonSerializer.SerializeToElement(value, typeInfo));

    private static DataNode FromJson(JsonElement json, Location at, int level)
    {
        if (level > RealtimePath.MaxDepth + 1)
        {
            throw Invalid(at, $"values may nest at most {RealtimePath.MaxDepth} levels deep");
        }

        switch (json.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return Null;
            case JsonValueKind.True:
                return True;
            case JsonValueKind.False:
                return False;
            case JsonValueKind.Number:
                return json.TryGetDouble(out var d) && double.IsFinite(d)
                    ? new(DataNodeKind.Number, null, null, 0, d)
                    : throw Invalid(at, $"the number {json.GetRawText()} is out of range");
            case JsonValueKind.String:
                try
                {
                    return FromString(json.GetString()!);
                }
                catch (RealtimeValidationException ex)
                {
                    throw Invalid(at, ex.Message);
                }

            case JsonValueKind.Array:
            {
                var collector = new ChildCollector(json.GetArrayLength());
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    var key = i.ToString(CultureInfo.InvariantCulture);
                    at.Push(key);
                    var child = FromJson(item, at, level + 1);
                    at.Pop();
                    if (!child.IsNull)
                    {
                        collector.Add(key, child);
                    }

                    i++;
                }

                return collector.Build(null);
            }

            case JsonValueKind.Object:
                return FromJsonObject(json, at, level);
            default:
                throw Invalid(at, $"unexpected JSON {json.ValueKind}");
        }
    }

    private static DataNode FromJsonObject(JsonElement json, Location at, int level)
    {
        JsonElement? sv = null, value = null, priority = null;
        var collector = new ChildCollector(json.GetPropertyCount());
        var others = 0;
        foreach (var property in json.EnumerateObject())
        {
            var key = KeyCache.Share(property.Name);
            switch (key)
            {
                case ".sv":
                    sv = property.Value;
                    continue;
                case ".value":
                    value = property.Value;
                    continue;
                case ".priority":
                    priority = property.Value;
                    continue;
            }

            others++;
            var problem = RealtimeKeys.GetProblem(key);
            if (problem is not null)
            {
                throw new RealtimeValidationException($"Invalid data at {at}: {problem}", key);
            }

            at.Push(key);
            var child = FromJson(property.Value, at, level + 1);
            at.Pop();
            if (collector.Contains(key))
            {
                throw Invalid(at, $"the key \"{key}\" appears twice");
            }

            if (!child.IsNull)
            {
                collector.Add(key, child);
            }
        }

        if (sv is { } svValue)
        {
            if (others > 0 || value is not null || priority is not null)
            {
                throw Invalid(at, "\".sv\" must be the only key of its object");
            }

            return CreateServerValue(ParseServerValue(svValue, at));
        }

        var prio = priority is { } p ? ParsePriority(p, at) : null;
        if (value is { } v)
        {
            if (others > 0)
            {
                throw Invalid(at, "an object with \".value\" may have no other children than \".priority\"");
            }

            var leaf = FromJson(v, at, level);
            if (leaf.Kind == DataNodeKind.Object)
            {
                throw Invalid(at, "\".value\" must hold a leaf (string, number or boolean)");
            }

            return prio is null ? leaf : leaf.WithPriority(prio);
        }

        return collector.Build(prio);
    }

    private static ServerValueSpec ParseServerValue(JsonElement sv, Location at)
    {
        if (sv.ValueKind == JsonValueKind.String && sv.ValueEquals("timestamp"))
        {
            return ServerValueSpec.TimestampSpec;
        }

        if (sv.ValueKind == JsonValueKind.Object)
        {
            var props = sv.EnumerateObject().ToList();
            if (props.Count == 1 && props[0].Name == "increment" && props[0].Value.ValueKind == JsonValueKind.Number &&
                props[0].Value.TryGetDouble(out var delta) && double.IsFinite(delta))
            {
                return new ServerValueSpec(false, delta);
            }
        }

        throw Invalid(at, $"unknown server value {sv.GetRawText()} (expected \"timestamp\" or {{\"increment\": number}})");
    }

    private static DataNode? ParsePriority(JsonElement json, Location at)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Null:
                return null;
            case JsonValueKind.Number when json.TryGetDouble(out var d) && double.IsFinite(d):
                return FromNumber(d);
            case JsonValueKind.String:
                return FromString(json.GetString()!);
            case JsonValueKind.Object:
                var node = FromJson(json, at, 0);
                if (node.Kind == DataNodeKind.ServerValue)
                {
                    return node;
                }

                break;
        }

        throw Invalid(at, $"invalid priority {json.GetRawText()} (a priority is a string, a finite number or null)");
    }

    private static RealtimePath At(RealtimePath parent, string key) =>
        parent.Depth < RealtimePath.MaxDepth && RealtimeKeys.IsValid(key) ? parent.Child(RealtimePath.Parse(key)) : parent;

    private static RealtimeValidationException Invalid(Location at, string problem) =>
        new($"Invalid data at {at}: {problem}.", at.ToString());

    /// <summary>Where the parser is, kept as a stack of keys so that a path string is built only for an error message.</summary>
    private sealed class Location
    {
        private readonly List<string> _keys = [];

        public void Push(string key) => _keys.Add(key);

        public void Pop() => _keys.RemoveAt(_keys.Count - 1);

        public override string ToString() => "/" + string.Join('/', _keys.Select(RealtimeKeys.Printable));
    }
}
