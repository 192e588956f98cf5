using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeAdapters;

// DataNode: writing nodes as JSON (wire form and export form, with priorities).
public sealed partial class DataNode
{
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

            var count = ChildCount;
            long max = -1;
            foreach (var (key, _) in EnumerateChildren())
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
                foreach (var (key, child) in EnumerateChildren().OrderBy(static kv => long.Parse(kv.Key, CultureInfo.InvariantCulture)))
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
                foreach (var (key, child) in EnumerateChildren())
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
        if (Kind == DataNodeKind.Number)
        {
            writer.WriteNumberValue(_number);
            return;
        }

        switch (_value)
        {
            case bool b:
                writer.WriteBooleanValue(b);
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
}
