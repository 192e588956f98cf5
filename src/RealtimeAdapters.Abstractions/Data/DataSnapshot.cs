using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

/// <summary>
/// An immutable view of the data at a location when it was read or when an event fired. Later writes never show
/// through a snapshot already handed out.
/// </summary>
public sealed class DataSnapshot
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="path">The location.</param>
    /// <param name="node">The value at the location (for a query, the selected children).</param>
    /// <param name="order">The order of <see cref="Children"/>; <see cref="ChildOrder.Default"/> when omitted.</param>
    public DataSnapshot(RealtimePath path, DataNode node, ChildOrder? order = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(node);
        Path = path;
        Node = node;
        Order = order ?? ChildOrder.Default;
    }

    /// <summary>The location.</summary>
    public RealtimePath Path { get; }

    /// <summary>The last segment of <see cref="Path"/>, or <see langword="null"/> at the root.</summary>
    public string? Key => Path.Key;

    /// <summary>The value.</summary>
    public DataNode Node { get; }

    /// <summary>The order in which <see cref="Children"/> come.</summary>
    public ChildOrder Order { get; }

    /// <summary>Whether there is a value at the location.</summary>
    public bool Exists => !Node.IsNull;

    /// <summary>The priority, or <see cref="DataNode.Null"/>.</summary>
    public DataNode Priority => Node.Priority;

    /// <summary>The number of children.</summary>
    public int ChildrenCount => Node.ChildCount;

    /// <summary>Whether the value has children.</summary>
    public bool HasChildren => Node.ChildCount > 0;

    /// <summary>The children, in <see cref="Order"/> (query order for query results).</summary>
    public IEnumerable<DataSnapshot> Children
    {
        get
        {
            IEnumerable<KeyValuePair<string, DataNode>> children = Node.EnumerateChildren();
            if (Order.OrderBy != QueryOrderBy.Key)
            {
                children = children.OrderBy(static kv => kv, Order);
            }

            foreach (var (key, child) in children)
            {
                yield return new DataSnapshot(Path.Child(key), child);
            }
        }
    }

    /// <summary>The snapshot of a descendant (it may not exist).</summary>
    /// <param name="relativePath">A key or a relative path.</param>
    public DataSnapshot Child(RealtimePath relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return new(Path.Child(relativePath), Node.GetAt(relativePath));
    }

    /// <summary>Whether a descendant exists.</summary>
    /// <param name="relativePath">A key or a relative path.</param>
    public bool HasChild(RealtimePath relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        return !Node.GetAt(relativePath).IsNull;
    }

    /// <summary>
    /// Reads the value as <typeparamref name="T"/> with System.Text.Json. A node stored as an integer-keyed object reads
    /// into lists and arrays, and one the service would render as an array reads into dictionaries and classes
    /// (<see cref="RealtimeJson.Deserialize{T}(DataNode, JsonSerializerOptions?)"/>). A missing value reads as <c>default</c>.
    /// </summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="options">Serializer options; <see cref="RealtimeJson.DefaultOptions"/> when omitted.</param>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public T? GetValue<T>(JsonSerializerOptions? options = null) => RealtimeJson.Deserialize<T>(Node, options);

    /// <summary>Reads the value as <typeparamref name="T"/> with source-generated metadata (trimming and AOT friendly).</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="typeInfo">Serializer metadata for <typeparamref name="T"/>.</param>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    public T? GetValue<T>(JsonTypeInfo<T> typeInfo) => RealtimeJson.Deserialize(Node, typeInfo);

    /// <summary>The value as JSON, as the service renders it (array rule applied, priorities omitted).</summary>
    public JsonElement ToJsonElement() => Node.ToJsonElement();

    /// <summary>The value as JSON text, as the service renders it.</summary>
    public string ToJsonString() => Node.ToJsonString();

    /// <summary>The export form: priorities included (<c>.priority</c>, <c>.value</c>), no array conversion.</summary>
    public JsonElement Export() => Node.ToJsonElement(export: true);

    /// <inheritdoc />
    public override string ToString() => $"{Path} = {Node}";
}
