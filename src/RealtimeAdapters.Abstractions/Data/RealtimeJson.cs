using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

/// <summary>JSON conventions shared by every provider.</summary>
public static class RealtimeJson
{
    /// <summary>What the reflection-based overloads say to trimming and native AOT users.</summary>
    internal const string ReflectionMessage =
        "Serializes by reflection over the value's type, which trimming and native AOT cannot follow. " +
        "Use the overload that takes a JsonTypeInfo<T> (from a source-generated JsonSerializerContext).";

    /// <summary>
    /// The serializer options typed helpers use when none are given: <see cref="JsonSerializerDefaults.Web"/>
    /// (camelCase names, case-insensitive reads, numbers read from strings). Where reflection-based serialization is
    /// disabled (native AOT, or <c>JsonSerializerIsReflectionEnabledByDefault=false</c>), they know only strings, bytes
    /// and JSON nodes; use the <see cref="JsonTypeInfo{T}"/> overloads there.
    /// </summary>
    public static JsonSerializerOptions DefaultOptions { get; } = CreateDefaultOptions();

    internal static JsonTypeInfo<JsonNode> JsonNodeTypeInfo => RealtimeJsonContext.Default.JsonNode;

    private static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonSerializer.IsReflectionEnabledByDefault ? CreateReflectionResolver() : RealtimeJsonContext.Default,
        };
        options.MakeReadOnly();
        return options;
    }

    // The same guard JsonSerializerOptions.Default uses: the feature switch is false under native AOT and trimming, where
    // this branch is removed, and true elsewhere, where reflection metadata is what callers of the options overloads expect.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only when JsonSerializer.IsReflectionEnabledByDefault is true.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only when JsonSerializer.IsReflectionEnabledByDefault is true.")]
    private static DefaultJsonTypeInfoResolver CreateReflectionResolver() => new();

    /// <summary>
    /// Reads <paramref name="node"/> as <typeparamref name="T"/>. Objects the Firebase array rule would render as arrays
    /// are rendered in the shape the target type asks for: as an object for dictionaries and classes, as an array
    /// (missing indices as null) for lists and arrays. Other targets get the Firebase rendering.
    /// </summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="typeInfo">Serializer metadata for <typeparamref name="T"/>.</param>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    public static T? Deserialize<T>(DataNode node, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (node.IsNull)
        {
            return default;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteShaped(writer, node, typeInfo);
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, typeInfo);
    }

    /// <summary>Reads <paramref name="node"/> as <typeparamref name="T"/> (see <see cref="Deserialize{T}(DataNode, JsonTypeInfo{T})"/>).</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="node">The node.</param>
    /// <param name="options">Serializer options; <see cref="DefaultOptions"/> when omitted.</param>
    /// <exception cref="JsonException">The data does not fit <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(ReflectionMessage)]
    [RequiresDynamicCode(ReflectionMessage)]
    public static T? Deserialize<T>(DataNode node, JsonSerializerOptions? options = null) =>
        Deserialize(node, (JsonTypeInfo<T>)(options ?? DefaultOptions).GetTypeInfo(typeof(T)));

    private static void WriteShaped(Utf8JsonWriter writer, DataNode node, JsonTypeInfo? target)
    {
        if (node.Kind != DataNodeKind.Object || target is null)
        {
            node.WriteTo(writer);
            return;
        }

        var underlying = Nullable.GetUnderlyingType(target.Type);
        if (underlying is not null)
        {
            target = target.Options.GetTypeInfo(underlying);
        }

        switch (target.Kind)
        {
            case JsonTypeInfoKind.Enumerable when AllIndexKeys(node, out var max) && max < 10_000_000:
            {
                var element = target.ElementType is { } e ? target.Options.GetTypeInfo(e) : null;
                writer.WriteStartArray();
                long next = 0;
                foreach (var (key, child) in node.EnumerateChildren().OrderBy(static kv => long.Parse(kv.Key, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    var index = long.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
                    for (; next < index; next++)
                    {
                        writer.WriteNullValue();
                    }

                    WriteShaped(writer, child, element);
                    next = index + 1;
                }

                writer.WriteEndArray();
                return;
            }

            case JsonTypeInfoKind.Dictionary:
            {
                var element = target.ElementType is { } e ? target.Options.GetTypeInfo(e) : null;
                writer.WriteStartObject();
                foreach (var (key, child) in node.EnumerateChildren())
                {
                    writer.WritePropertyName(key);
                    WriteShaped(writer, child, element);
                }

                writer.WriteEndObject();
                return;
            }

            case JsonTypeInfoKind.Object:
            {
                writer.WriteStartObject();
                foreach (var (key, child) in node.EnumerateChildren())
                {
                    writer.WritePropertyName(key);
                    WriteShaped(writer, child, FindProperty(target, key));
                }

                writer.WriteEndObject();
                return;
            }

            default:
                node.WriteTo(writer);
                return;
        }
    }

    private static JsonTypeInfo? FindProperty(JsonTypeInfo target, string key)
    {
        JsonPropertyInfo? match = null;
        foreach (var property in target.Properties)
        {
            if (string.Equals(property.Name, key, StringComparison.Ordinal))
            {
                match = property;
                break;
            }

            if (match is null && target.Options.PropertyNameCaseInsensitive &&
                string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                match = property;
            }
        }

        return match is null || match.PropertyType == typeof(object) ? null : target.Options.GetTypeInfo(match.PropertyType);
    }

    private static bool AllIndexKeys(DataNode node, out long max)
    {
        max = -1;
        foreach (var (key, _) in node.EnumerateChildren())
        {
            if (!DataNode.TryParseArrayIndex(key, out var index))
            {
                return false;
            }

            max = Math.Max(max, index);
        }

        return true;
    }
}
