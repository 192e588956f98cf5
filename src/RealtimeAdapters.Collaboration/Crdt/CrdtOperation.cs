using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// One edit as it travels between replicas: a few cells of one object, all written at the operation's timestamp.
/// Wire form (JSON): <c>{"v":1,"id":"&lt;timestamp&gt;","a":"&lt;client id&gt;","o":"&lt;object&gt;","k":"list","c":{"&lt;cell&gt;":value,...}}</c>.
/// Applying an operation is a join of last-writer-wins cells: commutative, associative and idempotent, so operations may
/// arrive in any order, any number of times.
/// </summary>
internal sealed class CrdtOperation
{
    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest operation accepted, in UTF-8 bytes.</summary>
    public const int MaxJsonBytes = 1024 * 1024;

    /// <summary>The most cells in one operation.</summary>
    public const int MaxCells = 10_000;

    public CrdtOperation(HybridTimestamp id, string? clientId, string objectName, CrdtObjectKind kind, IReadOnlyList<KeyValuePair<string, JsonElement>> cells)
    {
        Id = id;
        ClientId = clientId;
        ObjectName = objectName;
        Kind = kind;
        Cells = cells;
    }

    public HybridTimestamp Id { get; }

    public string? ClientId { get; }

    public string ObjectName { get; }

    public CrdtObjectKind Kind { get; }

    public IReadOnlyList<KeyValuePair<string, JsonElement>> Cells { get; }

    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteString("id", Id.ToString());
            if (ClientId is not null)
            {
                writer.WriteString("a", ClientId);
            }

            writer.WriteString("o", ObjectName);
            writer.WriteString("k", KindName(Kind));
            writer.WriteStartObject("c");
            foreach (var (key, value) in Cells)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Parses and checks an operation from another replica.</summary>
    /// <exception cref="OperationRejectedException">It is malformed or from a newer format version; the message names the field.</exception>
    public static CrdtOperation Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (Encoding.UTF8.GetByteCount(json) > MaxJsonBytes)
        {
            throw Malformed($"it is larger than {MaxJsonBytes} bytes", null);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new OperationRejectedException(RejectionReason.Malformed, "Rejected operation: it is not valid JSON (" + ex.Message + ").");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("it is not a JSON object", null);
            }

            CheckVersion(root, "operation", FormatVersion);
            var id = ReadStamp(root, "id");
            var clientId = ReadOptionalString(root, "a");
            var name = ReadObjectName(root, "o");
            var kind = ReadKind(root, "k");
            if (!root.TryGetProperty("c", out var cellsElement) || cellsElement.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("field \"c\" (the cells) must be an object", "c");
            }

            var cells = new List<KeyValuePair<string, JsonElement>>();
            foreach (var cell in cellsElement.EnumerateObject())
            {
                if (cells.Count == MaxCells)
                {
                    throw Malformed($"it has more than {MaxCells} cells", "c");
                }

                if (CellRules.Check(kind, cell.Name, cell.Value, id) is { } problem)
                {
                    throw Malformed($"cell \"{Printable(cell.Name)}\" of {KindName(kind)} \"{name}\" is invalid: {problem}", cell.Name);
                }

                cells.Add(new(cell.Name, cell.Value.Clone()));
            }

            if (cells.Count == 0)
            {
                throw Malformed("it has no cells", "c");
            }

            return new CrdtOperation(id, clientId, name, kind, cells);
        }
    }

    internal static void CheckVersion(JsonElement root, string what, int newest)
    {
        if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var version) || version < 1)
        {
            throw Malformed("field \"v\" (the format version) must be a positive integer", "v");
        }

        if (version > newest)
        {
            throw new OperationRejectedException(
                RejectionReason.UnsupportedVersion,
                $"Rejected {what}: it is in format version {version.ToString(CultureInfo.InvariantCulture)}, and this library reads versions up to {newest}; update RealtimeAdapters.Collaboration.",
                "v");
        }
    }

    internal static HybridTimestamp ReadStamp(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var e) || e.ValueKind != JsonValueKind.String || !HybridTimestamp.TryParse(e.GetString(), out var stamp))
        {
            throw Malformed($"field \"{field}\" must be a timestamp \"<wall ms>.<counter>.<replica id>\"", field);
        }

        return stamp;
    }

    internal static string ReadObjectName(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var e) || e.ValueKind != JsonValueKind.String || !CollaborativeDocument.IsValidObjectName(e.GetString()))
        {
            throw Malformed($"field \"{field}\" (the object name) must be a string of 1 to {CollaborativeDocument.MaxObjectNameLength} characters without control characters", field);
        }

        return e.GetString()!;
    }

    internal static CrdtObjectKind ReadKind(JsonElement root, string field)
    {
        if (root.TryGetProperty(field, out var e) && e.ValueKind == JsonValueKind.String)
        {
            switch (e.GetString())
            {
                case "register": return CrdtObjectKind.Register;
                case "map": return CrdtObjectKind.Map;
                case "set": return CrdtObjectKind.Set;
                case "list": return CrdtObjectKind.List;
            }
        }

        throw Malformed($"field \"{field}\" (the object type) must be \"register\", \"map\", \"set\" or \"list\"", field);
    }

    internal static string KindName(CrdtObjectKind kind) => kind switch
    {
        CrdtObjectKind.Register => "register",
        CrdtObjectKind.Map => "map",
        CrdtObjectKind.Set => "set",
        _ => "list",
    };

    internal static OperationRejectedException Malformed(string problem, string? field) =>
        new(RejectionReason.Malformed, "Rejected operation: " + problem + ".", field);

    internal static string Printable(string text) => text.Length > 80 ? text[..80] + "…" : text;

    private static string? ReadOptionalString(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.String || e.GetString() is not { Length: > 0 } s)
        {
            throw Malformed($"field \"{field}\" (the author's client id) must be a non-empty string when present", field);
        }

        return s;
    }
}
