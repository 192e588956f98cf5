using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

/// <summary>
/// An immutable, normalised JSON value as the realtime tree stores it: no nulls, no empty containers, arrays stored as
/// integer-keyed objects, children kept in key order (<see cref="KeyComparer"/>), an optional priority. Updates return
/// new nodes that share unchanged subtrees, so a node (and any snapshot holding it) never changes.
/// </summary>
public sealed class DataNode : IEquatable<DataNode>
{
    /// <summary>The largest string leaf, in UTF-8 bytes (10 MB).</summary>
    public const int MaxStringBytes = 10 * 1024 * 1024;

    private static readonly ImmutableSortedDictionary<string, DataNode> NoChildren =
        ImmutableSortedDictionary.Create<string, DataNode>(KeyComparer.Instance);

    // JSON for the wire and for logs, not for HTML: no escaping of '+', '<', '&' and non-ASCII text.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly object? _value;
    private readonly DataNode? _priority;
    private int _hash;

    private DataNode(DataNodeKind kind, object? value, DataNode? priority, int depth)
    {
        Kind = kind;
        _value = value;
        _priority = priority;
        Depth = depth;
    }

    /// <summary>The empty node: a missing value. Writing it deletes.</summary>
    public static DataNode Null { get; } = new(DataNodeKind.Null, null, null, 0);

    /// <summary>The boolean <see langword="true"/>.</summary>
    public static DataNode True { get; } = new(DataNodeKind.Boolean, true, null, 0);

    /// <summary>The boolean <see langword="false"/>.</summary>
    public static DataNode False { get; } = new(DataNodeKind.Boolean, false, null, 0);

    /// <summary>What kind of value this is.</summary>
    public DataNodeKind Kind { get; }

    /// <summary>The priority (a number or string leaf), or <see cref="Null"/> when there is none.</summary>
    public DataNode Priority => _priority ?? Null;

    /// <summary>How many levels of children lie below this node (0 for a leaf).</summary>
    public int Depth { get; }

    /// <summary>Whether this is the empty node.</summary>
    public bool IsNull => Kind == DataNodeKind.Null;

    /// <summary>Whether this is a boolean, number, string or server value.</summary>
    public bool IsLeaf => Kind is DataNodeKind.Boolean or DataNodeKind.Number or DataNodeKind.String or DataNodeKind.ServerValue;

    /// <summary>The children in key order; empty for leaves.</summary>
    public ImmutableSortedDictionary<string, DataNode> Children => _value as ImmutableSortedDictionary<string, DataNode> ?? NoChildren;

    /// <summary>The number of children.</summary>
    public int ChildCount => Children.Count;

    /// <summary>Whether this node contains server values anywhere (including priorities).</summary>
    public bool ContainsServerValues => Kind == DataNodeKind.ServerValue || Priority.Kind == DataNodeKind.ServerValue ||
        (Kind == DataNodeKind.Object && Children.Values.Any(static c => c.ContainsServerValues));

    internal ServerValueSpec? ServerValueSpec => _value as ServerValueSpec;

    /// <summary>Converts a string to a leaf.</summary>
    public static implicit operator DataNode(string value) => FromString(value);

    /// <summary>Converts a number to a leaf.</summary>
    public static implicit operator DataNode(double value) => FromNumber(value);

    /// <summary>Converts a number to a leaf.</summary>
    public static implicit operator DataNode(long value) => FromNumber(value);

    /// <summary>Converts a number to a leaf.</summary>
    public static implicit operator DataNode(int value) => FromNumber(value);

    /// <summary>Converts a boolean to a leaf.</summary>
    public static implicit operator DataNode(bool value) => FromBoolean(value);

    /// <summary>A boolean leaf.</summary>
    /// <param name="value">The value.</param>
    public static DataNode FromBoolean(bool value) => value ? True : False;

    /// <summary>A number leaf.</summary>
    /// <param name="value">A finite number.</param>
    /// <exception cref="RealtimeValidationException">The number is NaN or infinite.</exception>
    public static DataNode FromNumber(double value) =>
        double.IsFinite(value)
            ? new(DataNodeKind.Number, value, null, 0)
            : throw new RealtimeValidationException($"Invalid number {value.ToString(CultureInfo.InvariantCulture)}: numbers must be finite.");

    /// <summary>A string leaf.</summary>
    /// <param name="value">The string (at most <see cref="MaxStringBytes"/> UTF-8 bytes).</param>
    /// <exception cref="RealtimeValidationException">The string is too long.</exception>
    public static DataNode FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxStringBytes / 3 && Encoding.UTF8.GetByteCount(value) > MaxStringBytes)
        {
            throw new RealtimeValidationException($"Invalid string: string values must be at most {MaxStringBytes} UTF-8 bytes (got {Encoding.UTF8.GetByteCount(value)}).");
        }

        return new(DataNodeKind.String, value, null, 0);
    }

    /// <summary>An object from children; <see cref="Null"/> children are dropped, and no remaining child gives <see cref="Null"/>.</summary>
    /// <param name="children">Key and value pairs; keys must be valid (<see cref="RealtimeKeys"/>).</param>
    /// <exception cref="RealtimeValidationException">A key is invalid or repeated, or the result is too deep.</exception>
    public static DataNode FromChildren(IEnumerable<KeyValuePair<string, DataNode>> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        var builder = NoChildren.ToBuilder();
        foreach (var (key, child) in children)
        {
            RealtimeKeys.Validate(key);
            ArgumentNullException.ThrowIfNull(child);
            if (builder.ContainsKey(key))
            {
                throw new RealtimeValidationException($"Invalid data: the key \"{key}\" appears twice.", key);
            }

            if (!child.IsNull)
            {
                builder.Add(key, child);
            }
        }

        return FromBuilt(builder.ToImmutable(), null);
    }

    internal static DataNode CreateServerValue(ServerValueSpec spec) => new(DataNodeKind.ServerValue, spec, null, 0);

    private static DataNode FromBuilt(ImmutableSortedDictionary<string, DataNode> children, DataNode? priority)
    {
        if (children.Count == 0)
        {
            return Null;
        }

        var depth = 0;
        foreach (var child in children.Values)
        {
            depth = Math.Max(depth, child.Depth + 1);
        }

        if (depth > RealtimePath.MaxDepth)
        {
            throw new RealtimeValidationException($"Invalid data: values may nest at most {RealtimePath.MaxDepth} levels deep (got {depth}).");
        }

        return new(DataNodeKind.Object, children, priority is { IsNull: false } ? priority : null, depth);
    }

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
                    ? new(DataNodeKind.Number, d, null, 0)
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
                var builder = NoChildren.ToBuilder();
                var i = 0;
                foreach (var item in json.EnumerateArray())
                {
                    var key = i.ToString(CultureInfo.InvariantCulture);
                    at.Push(key);
                    var child = FromJson(item, at, level + 1);
                    at.Pop();
                    if (!child.IsNull)
                    {
                        builder.Add(key, child);
                    }

                    i++;
                }

                return FromBuilt(builder.ToImmutable(), null);
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
        var builder = NoChildren.ToBuilder();
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
            if (builder.ContainsKey(key))
            {
                throw Invalid(at, $"the key \"{key}\" appears twice");
            }

            if (!child.IsNull)
            {
                builder.Add(key, child);
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

        return FromBuilt(builder.ToImmutable(), prio);
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

    /// <summary>The boolean value.</summary>
    /// <exception cref="InvalidOperationException">This is not a boolean.</exception>
    public bool GetBoolean() => _value is bool b ? b : throw WrongKind(DataNodeKind.Boolean);

    /// <summary>The number value.</summary>
    /// <exception cref="InvalidOperationException">This is not a number.</exception>
    public double GetNumber() => _value is double d ? d : throw WrongKind(DataNodeKind.Number);

    /// <summary>The string value.</summary>
    /// <exception cref="InvalidOperationException">This is not a string.</exception>
    public string GetString() => _value as string ?? throw WrongKind(DataNodeKind.String);

    private InvalidOperationException WrongKind(DataNodeKind wanted) => new($"The node is {Kind}, not {wanted}.");

    /// <summary>The child at <paramref name="key"/>, or <see cref="Null"/>.</summary>
    /// <param name="key">A key.</param>
    public DataNode GetChild(string key) =>
        _value is ImmutableSortedDictionary<string, DataNode> children && children.TryGetValue(key, out var child) ? child : Null;

    /// <summary>The descendant at <paramref name="relativePath"/>, or <see cref="Null"/>.</summary>
    /// <param name="relativePath">A path relative to this node.</param>
    public DataNode GetAt(RealtimePath relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var node = this;
        foreach (var key in relativePath.Segments)
        {
            node = node.GetChild(key);
            if (node.IsNull)
            {
                break;
            }
        }

        return node;
    }

    /// <summary>Whether a child exists at <paramref name="key"/>.</summary>
    /// <param name="key">A key.</param>
    public bool HasChild(string key) => !GetChild(key).IsNull;

    /// <summary>
    /// Returns this node with the child at <paramref name="key"/> replaced; <see cref="Null"/> removes it. A leaf becomes an
    /// object (keeping its priority); an object left without children becomes <see cref="Null"/>.
    /// </summary>
    /// <param name="key">A valid key.</param>
    /// <param name="child">The new child.</param>
    public DataNode SetChild(string key, DataNode child)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(child);
        var children = Children;
        var hadChild = children.TryGetValue(key, out var existing);
        if (child.IsNull)
        {
            if (!hadChild)
            {
                return this;
            }

            children = children.Remove(key);
        }
        else
        {
            if (hadChild && ReferenceEquals(existing, child))
            {
                return this;
            }

            // SetItem compares the old and new values with the dictionary's value comparer to skip no-op replacements;
            // with structural equality that walks both subtrees (every child of a large object). Swapping comparers is
            // O(1) and the caller's tree keeps the default comparer.
            children = children
                .WithComparers(children.KeyComparer, ReferenceEqualityComparer.Instance)
                .SetItem(key, child)
                .WithComparers(children.KeyComparer, children.ValueComparer);
        }

        // The depth is kept incrementally so that replacing one child of a large object costs O(log n), not a scan of
        // every sibling; only losing the deepest child forces a rescan.
        var depth = Kind == DataNodeKind.Object ? Depth : 0;
        var lostDeepest = hadChild && existing!.Depth + 1 == depth && (child.IsNull || child.Depth + 1 < depth);
        if (lostDeepest || children.Count == 0)
        {
            return FromBuilt(children, Priority);
        }

        depth = Math.Max(depth, child.Depth + 1);
        if (depth > RealtimePath.MaxDepth)
        {
            throw new RealtimeValidationException($"Invalid data: values may nest at most {RealtimePath.MaxDepth} levels deep (got {depth}).");
        }

        return new(DataNodeKind.Object, children, _priority, depth);
    }

    /// <summary>Returns this node with the value at <paramref name="relativePath"/> replaced, pruning emptied ancestors.</summary>
    /// <param name="relativePath">Where to write, relative to this node.</param>
    /// <param name="value">The new value; <see cref="Null"/> deletes.</param>
    public DataNode SetAt(RealtimePath relativePath, DataNode value)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(value);
        return SetAt(relativePath.Segments, 0, value);
    }

    /// <summary>
    /// Returns this node with the values at several disjoint relative paths replaced (<see cref="Null"/> deletes,
    /// emptied ancestors are pruned), as successive <see cref="SetAt(RealtimePath, DataNode)"/> calls would, but visiting
    /// each node on the way once: a multi-path update of many children of one parent rebuilds that parent in one pass.
    /// </summary>
    /// <param name="writes">Relative paths and values; no path may be another's ancestor or equal to it.</param>
    public DataNode SetAll(IReadOnlyList<KeyValuePair<RealtimePath, DataNode>> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
        {
            return this;
        }

        if (writes.Count == 1)
        {
            return SetAt(writes[0].Key, writes[0].Value);
        }

        var sorted = writes.ToArray();
        Array.Sort(sorted, static (a, b) => a.Key.CompareTo(b.Key));
        return SetSorted(sorted, 0, sorted.Length, 0);
    }

    private DataNode SetSorted(KeyValuePair<RealtimePath, DataNode>[] writes, int from, int to, int depth)
    {
        if (to - from == 1 && writes[from].Key.Depth == depth)
        {
            return writes[from].Value;
        }

        // In segment order the writes below one child are neighbours: each group becomes that child's new value.
        var changes = new List<KeyValuePair<string, DataNode>>();
        for (var i = from; i < to;)
        {
            var key = writes[i].Key.Segments[depth];
            var j = i + 1;
            while (j < to && string.Equals(writes[j].Key.Segments[depth], key, StringComparison.Ordinal))
            {
                j++;
            }

            var current = GetChild(key);
            var updated = current.SetSorted(writes, i, j, depth + 1);
            if (!ReferenceEquals(updated, current))
            {
                changes.Add(new(key, updated));
            }

            i = j;
        }

        if (changes.Count == 0)
        {
            return this;
        }

        // A few changes in a large object: one O(log n) replacement each. Many: one pass of a builder.
        if (changes.Count <= 8 || changes.Count * 16 < ChildCount)
        {
            var node = this;
            foreach (var (key, child) in changes)
            {
                node = node.SetChild(key, child);
            }

            return node;
        }

        var children = Children;
        var builder = children.WithComparers(children.KeyComparer, ReferenceEqualityComparer.Instance).ToBuilder();
        foreach (var (key, child) in changes)
        {
            if (child.IsNull)
            {
                builder.Remove(key);
            }
            else
            {
                builder[key] = child;
            }
        }

        return FromBuilt(builder.ToImmutable().WithComparers(children.KeyComparer, children.ValueComparer), _priority);
    }

    private DataNode SetAt(IReadOnlyList<string> segments, int index, DataNode value)
    {
        if (index == segments.Count)
        {
            return value;
        }

        var key = segments[index];
        var current = GetChild(key);
        var updated = current.SetAt(segments, index + 1, value);
        return ReferenceEquals(updated, current) ? this : SetChild(key, updated);
    }

    /// <summary>Returns this node with a priority (a number, a string, a server value or <see cref="Null"/> for none). The empty node takes no priority.</summary>
    /// <param name="priority">The priority.</param>
    /// <exception cref="RealtimeValidationException">The priority is a boolean or an object.</exception>
    public DataNode WithPriority(DataNode priority)
    {
        ArgumentNullException.ThrowIfNull(priority);
        if (priority.Kind is DataNodeKind.Boolean or DataNodeKind.Object)
        {
            throw new RealtimeValidationException($"Invalid priority {priority}: a priority is a string, a finite number or null.");
        }

        if (IsNull || Equals(Priority, priority))
        {
            return this;
        }

        return new(Kind, _value, priority.IsNull ? null : priority.WithoutPriority(), Depth);
    }

    /// <summary>Returns this node without its priority.</summary>
    public DataNode WithoutPriority() => Priority.IsNull ? this : new(Kind, _value, null, Depth);

    /// <summary>
    /// Replaces every server value with its result: timestamps with <paramref name="nowMilliseconds"/>, increments with the
    /// sum over the number at the same place in <paramref name="existing"/> (or the delta alone when that is not a number).
    /// </summary>
    /// <param name="existing">The value currently stored at this node's location.</param>
    /// <param name="nowMilliseconds">The backend's time, in milliseconds since the Unix epoch.</param>
    public DataNode ResolveServerValues(DataNode existing, long nowMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(existing);
        if (!ContainsServerValues)
        {
            return this;
        }

        var priority = Priority.Kind == DataNodeKind.ServerValue ? Priority.ResolveServerValues(existing.Priority, nowMilliseconds) : Priority;
        switch (Kind)
        {
            case DataNodeKind.ServerValue:
            {
                var spec = ServerValueSpec!;
                var resolved = spec.IsTimestamp
                    ? FromNumber(nowMilliseconds)
                    : FromNumber(existing.Kind == DataNodeKind.Number ? existing.GetNumber() + spec.Delta : spec.Delta);
                return priority.IsNull ? resolved : resolved.WithPriority(priority);
            }

            case DataNodeKind.Object:
            {
                var builder = Children.ToBuilder();
                foreach (var (key, child) in Children)
                {
                    if (child.ContainsServerValues)
                    {
                        builder[key] = child.ResolveServerValues(existing.GetChild(key), nowMilliseconds);
                    }
                }

                return FromBuilt(builder.ToImmutable(), priority);
            }

            default:
                return WithPriority(priority);
        }
    }

    /// <summary>
    /// Whether this object would be rendered as a JSON array: every key a canonical non-negative integer and the largest
    /// key less than twice the number of children.
    /// </summary>
    public bool IsArrayLike
    {
        get
        {
            if (Kind != DataNodeKind.Object)
            {
                return false;
            }

            var count = Children.Count;
            long max = -1;
            foreach (var key in Children.Keys)
            {
                if (!TryParseArrayIndex(key, out var index))
                {
                    return false;
                }

                max = Math.Max(max, index);
            }

            return max < 2L * count;
        }
    }

    internal static bool TryParseArrayIndex(string key, out long index)
    {
        index = -1;
        if (key.Length is 0 or > 15 || (key[0] == '0' && key.Length > 1))
        {
            return false;
        }

        long value = 0;
        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        index = value;
        return true;
    }

    /// <summary>
    /// Writes this node as JSON. The normal form renders array-like objects as arrays and omits priorities; the export form
    /// (<paramref name="export"/>) keeps objects as objects and includes <c>.priority</c> (and <c>.value</c> for leaves with a priority).
    /// Server values are written as <c>{".sv": …}</c>.
    /// </summary>
    /// <param name="writer">The writer.</param>
    /// <param name="export">Whether to write the export form.</param>
    public void WriteTo(Utf8JsonWriter writer, bool export = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var priority = Priority;
        if (export && !priority.IsNull && IsLeaf)
        {
            writer.WriteStartObject();
            writer.WritePropertyName(".value");
            WriteLeaf(writer);
            writer.WritePropertyName(".priority");
            priority.WriteTo(writer);
            writer.WriteEndObject();
            return;
        }

        switch (Kind)
        {
            case DataNodeKind.Null:
                writer.WriteNullValue();
                return;
            case DataNodeKind.Object when !export && IsArrayLike:
            {
                writer.WriteStartArray();
                long next = 0;
                foreach (var (key, child) in Children.OrderBy(static kv => long.Parse(kv.Key, CultureInfo.InvariantCulture)))
                {
                    var index = long.Parse(key, CultureInfo.InvariantCulture);
                    for (; next < index; next++)
                    {
                        writer.WriteNullValue();
                    }

                    child.WriteTo(writer, export);
                    next = index + 1;
                }

                writer.WriteEndArray();
                return;
            }

            case DataNodeKind.Object:
                writer.WriteStartObject();
                foreach (var (key, child) in Children)
                {
                    writer.WritePropertyName(key);
                    child.WriteTo(writer, export);
                }

                if (export && !priority.IsNull)
                {
                    writer.WritePropertyName(".priority");
                    priority.WriteTo(writer);
                }

                writer.WriteEndObject();
                return;
            default:
                WriteLeaf(writer);
                return;
        }
    }

    private void WriteLeaf(Utf8JsonWriter writer)
    {
        switch (_value)
        {
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case ServerValueSpec spec:
                writer.WriteStartObject();
                if (spec.IsTimestamp)
                {
                    writer.WriteString(".sv", "timestamp");
                }
                else
                {
                    writer.WriteStartObject(".sv");
                    writer.WriteNumber("increment", spec.Delta);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>The JSON text of this node (see <see cref="WriteTo"/>).</summary>
    /// <param name="export">Whether to write the export form.</param>
    public string ToJsonString(bool export = false) => Encoding.UTF8.GetString(ToUtf8Json(export));

    /// <summary>The UTF-8 JSON of this node (see <see cref="WriteTo"/>).</summary>
    /// <param name="export">Whether to write the export form.</param>
    public byte[] ToUtf8Json(bool export = false)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteTo(writer, export);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The JSON of this node as a <see cref="JsonElement"/> (see <see cref="WriteTo"/>).</summary>
    /// <param name="export">Whether to write the export form.</param>
    public JsonElement ToJsonElement(bool export = false)
    {
        using var doc = JsonDocument.Parse(ToUtf8Json(export));
        return doc.RootElement.Clone();
    }

    /// <summary>The JSON of this node as a new mutable <see cref="JsonNode"/> (see <see cref="WriteTo"/>).</summary>
    /// <param name="export">Whether to write the export form.</param>
    public JsonNode? ToJsonNode(bool export = false) => JsonNode.Parse(ToUtf8Json(export));

    /// <summary>The JSON text of this node.</summary>
    public override string ToString() => ToJsonString();

    /// <inheritdoc />
    public bool Equals(DataNode? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other.Kind != Kind || other.Depth != Depth || !Priority.Equals(other.Priority) ||
            (_hash != 0 && other._hash != 0 && _hash != other._hash))
        {
            return false;
        }

        return Kind switch
        {
            DataNodeKind.Null => true,
            DataNodeKind.Object => ChildrenEqual(Children, other.Children),
            _ => Equals(_value, other._value),
        };
    }

    private static bool ChildrenEqual(ImmutableSortedDictionary<string, DataNode> a, ImmutableSortedDictionary<string, DataNode> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        using var ea = a.GetEnumerator();
        using var eb = b.GetEnumerator();
        while (ea.MoveNext() && eb.MoveNext())
        {
            if (!string.Equals(ea.Current.Key, eb.Current.Key, StringComparison.Ordinal) || !ea.Current.Value.Equals(eb.Current.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DataNode);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        if (_hash != 0)
        {
            return _hash;
        }

        var hash = default(HashCode);
        hash.Add(Kind);
        if (Kind == DataNodeKind.Object)
        {
            foreach (var (key, child) in Children)
            {
                hash.Add(key, StringComparer.Ordinal);
                hash.Add(child.GetHashCode());
            }
        }
        else
        {
            hash.Add(_value);
        }

        if (!Priority.IsNull)
        {
            hash.Add(Priority.GetHashCode());
        }

        var h = hash.ToHashCode();
        _hash = h == 0 ? 1 : h;
        return _hash;
    }

    /// <summary>Structural equality.</summary>
    public static bool operator ==(DataNode? left, DataNode? right) => left?.Equals(right) ?? right is null;

    /// <summary>Structural inequality.</summary>
    public static bool operator !=(DataNode? left, DataNode? right) => !(left == right);
}
