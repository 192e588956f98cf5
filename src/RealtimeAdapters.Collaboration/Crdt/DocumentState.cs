using System.Buffers;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>The state of one object: its type and its last-writer-wins cells.</summary>
internal sealed class ObjectState(string name, CrdtObjectKind kind)
{
    public string Name { get; } = name;

    public CrdtObjectKind Kind { get; } = kind;

    public Dictionary<string, CrdtCell> Cells { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Joins one cell into the state: it replaces the cell under its key when it is later. A removal drops the cells it
    /// makes unobservable (compaction), and a cell already made unobservable is ignored, so that every replica holding the
    /// same edits holds the same cells.
    /// </summary>
    /// <returns>Whether the state changed.</returns>
    public bool Apply(string key, CrdtCell cell)
    {
        if (CellRules.IsObsolete(Kind, key, Cells))
        {
            return false;
        }

        if (Cells.TryGetValue(key, out var existing) && existing.Stamp >= cell.Stamp)
        {
            return false;
        }

        Cells[key] = cell;
        foreach (var obsolete in CellRules.Obsoleted(Kind, key))
        {
            Cells.Remove(obsolete);
        }

        return true;
    }
}

/// <summary>
/// A document's whole state: named objects of cells. Its snapshot form is
/// <c>{"v":1,"o":{"&lt;name&gt;":{"k":"list","c":{"&lt;cell&gt;":["&lt;timestamp&gt;",value],...}},...}}</c>, names and cells in
/// ordinal order, so that two replicas with the same state write the same text.
/// </summary>
internal sealed class DocumentState
{
    public Dictionary<string, ObjectState> Objects { get; } = new(StringComparer.Ordinal);

    public int CellCount => Objects.Values.Sum(static o => o.Cells.Count);

    /// <summary>The object under a name, created when absent.</summary>
    /// <exception cref="OperationRejectedException">The name holds an object of another type (<see cref="RejectionReason.KindMismatch"/>).</exception>
    public ObjectState GetOrAdd(string name, CrdtObjectKind kind)
    {
        if (Objects.TryGetValue(name, out var existing))
        {
            if (existing.Kind != kind)
            {
                throw new OperationRejectedException(
                    RejectionReason.KindMismatch,
                    $"Rejected: \"{name}\" is a {CrdtOperation.KindName(existing.Kind)} in this document, not a {CrdtOperation.KindName(kind)}.",
                    "k");
            }

            return existing;
        }

        var created = new ObjectState(name, kind);
        Objects.Add(name, created);
        return created;
    }

    /// <summary>Joins an operation's cells (an operation for an object of another type is skipped).</summary>
    public void TryApply(CrdtOperation op)
    {
        if (Objects.TryGetValue(op.ObjectName, out var existing) && existing.Kind != op.Kind)
        {
            return;
        }

        var obj = GetOrAdd(op.ObjectName, op.Kind);
        foreach (var (key, value) in op.Cells)
        {
            obj.Apply(key, new CrdtCell(op.Id, value));
        }
    }

    public string ToSnapshotJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", CrdtOperation.FormatVersion);
            writer.WriteStartObject("o");
            // An object nobody wrote yet (read before any edit) is not part of the replicated state.
            foreach (var obj in Objects.Values.Where(static o => o.Cells.Count > 0).OrderBy(static o => o.Name, StringComparer.Ordinal))
            {
                writer.WriteStartObject(obj.Name);
                writer.WriteString("k", CrdtOperation.KindName(obj.Kind));
                writer.WriteStartObject("c");
                foreach (var (key, cell) in obj.Cells.OrderBy(static c => c.Key, StringComparer.Ordinal))
                {
                    writer.WriteStartArray(key);
                    writer.WriteStringValue(cell.Stamp.ToString());
                    cell.Value.WriteTo(writer);
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Parses and checks a snapshot; every cell is checked as an operation's would be.</summary>
    /// <exception cref="OperationRejectedException">It is malformed or from a newer format version.</exception>
    public static DocumentState ParseSnapshot(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new OperationRejectedException(RejectionReason.Malformed, "Rejected snapshot: it is not valid JSON (" + ex.Message + ").");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("it is not a JSON object", null);
            }

            CrdtOperation.CheckVersion(root, "snapshot");
            if (!root.TryGetProperty("o", out var objects) || objects.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("field \"o\" (the objects) must be an object", "o");
            }

            var state = new DocumentState();
            foreach (var obj in objects.EnumerateObject())
            {
                if (!CollaborativeDocument.IsValidObjectName(obj.Name) || obj.Value.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed($"object \"{CrdtOperation.Printable(obj.Name)}\" has an invalid name or is not an object", obj.Name);
                }

                var kind = CrdtOperation.ReadKind(obj.Value, "k");
                if (!obj.Value.TryGetProperty("c", out var cells) || cells.ValueKind != JsonValueKind.Object)
                {
                    throw Malformed($"object \"{obj.Name}\" has no cells object \"c\"", obj.Name);
                }

                var target = state.GetOrAdd(obj.Name, kind);
                foreach (var cell in cells.EnumerateObject())
                {
                    if (cell.Value.ValueKind != JsonValueKind.Array || cell.Value.GetArrayLength() != 2 ||
                        cell.Value[0].ValueKind != JsonValueKind.String || !HybridTimestamp.TryParse(cell.Value[0].GetString(), out var stamp))
                    {
                        throw Malformed($"cell \"{CrdtOperation.Printable(cell.Name)}\" of \"{obj.Name}\" must be [timestamp, value]", cell.Name);
                    }

                    var value = cell.Value[1];
                    if (CellRules.Check(kind, cell.Name, value, stamp) is { } problem)
                    {
                        throw Malformed($"cell \"{CrdtOperation.Printable(cell.Name)}\" of \"{obj.Name}\" is invalid: {problem}", cell.Name);
                    }

                    target.Apply(cell.Name, new CrdtCell(stamp, value.Clone()));
                }
            }

            return state;
        }
    }

    private static OperationRejectedException Malformed(string problem, string? field) =>
        new(RejectionReason.Malformed, "Rejected snapshot: " + problem + ".", field);
}
