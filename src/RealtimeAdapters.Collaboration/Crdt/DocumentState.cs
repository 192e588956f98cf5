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
    /// <param name="key">The cell key.</param>
    /// <param name="cell">The cell.</param>
    /// <param name="horizon">The state's horizon (<see cref="DocumentState.Horizon"/>): below it, a cell the state does not
    /// hold, or a list cell of an element the state does not hold, is dropped (its removal was purged).</param>
    /// <returns>Whether the state changed.</returns>
    public bool Apply(string key, CrdtCell cell, long? horizon = null)
    {
        if (CellRules.IsObsolete(Kind, key, Cells))
        {
            return false;
        }

        if (Cells.TryGetValue(key, out var existing))
        {
            if (existing.Stamp >= cell.Stamp)
            {
                return false;
            }
        }
        else if (horizon is { } h && !CellRules.IsAdmissible(Kind, key, cell, Cells, h))
        {
            return false;
        }

        Cells[key] = cell;
        foreach (var obsolete in CellRules.Obsoleted(Kind, key))
        {
            Cells.Remove(obsolete);
        }

        if (horizon is { } below && CellRules.IsPurgeable(Kind, key, cell, Cells, below))
        {
            // A late removal did its work: below the horizon it is purged at once, as everywhere else.
            Cells.Remove(key);
        }

        return true;
    }

    /// <summary>Drops the tombstones older than the horizon, and list cells of elements older than it that are not whole.</summary>
    /// <returns>Whether a cell was dropped.</returns>
    public bool Purge(long horizon) =>
        Drop([.. Cells.Where(c => CellRules.IsPurgeable(Kind, c.Key, c.Value, Cells, horizon)).Select(static c => c.Key)]);

    /// <summary>
    /// Drops the cells older than <paramref name="horizon"/> (another state's) that <paramref name="other"/> does not hold,
    /// and every cell of a list element older than it that <paramref name="other"/> does not hold at all: that state saw
    /// every edit made before its horizon, so it removed them and purged their tombstones (an update or move made here
    /// since, by a replica that had not seen the removal, goes with the element: a removal wins). Other removals here are
    /// kept: whatever they remove stays removed, and they are purged at the horizon.
    /// </summary>
    /// <returns>Whether a cell was dropped.</returns>
    public bool DropMissing(ObjectState? other, long horizon) =>
        Drop([.. Cells.Where(c =>
            (Kind == CrdtObjectKind.List && CellRules.ElementWall(c.Key) < horizon && (other is null || !CellRules.HoldsElement(other.Cells, c.Key))) ||
            (!CellRules.IsTombstone(Kind, c.Key, c.Value) && c.Value.Stamp.WallMilliseconds < horizon && other?.Cells.ContainsKey(c.Key) != true))
            .Select(static c => c.Key)]);

    private bool Drop(List<string> keys)
    {
        foreach (var key in keys)
        {
            Cells.Remove(key);
        }

        return keys.Count > 0;
    }
}

/// <summary>
/// A document's whole state: named objects of cells. Its snapshot form is
/// <c>{"v":1,"o":{"&lt;name&gt;":{"k":"list","c":{"&lt;cell&gt;":["&lt;timestamp&gt;",value],...}},...}}</c>, names and cells in
/// ordinal order, so that two replicas with the same state write the same text; a state with a horizon is written in
/// version 2, <c>{"v":2,"h":&lt;horizon, Unix ms&gt;,"o":...}</c> (earlier versions refuse it: they would not keep to the
/// horizon).
/// </summary>
/// <remarks>
/// The horizon (<see cref="CollaborativeDocumentOptions.TombstoneRetention"/>) is a time before which every edit is assumed
/// to have reached every replica. Below it removal tombstones are purged, an operation made before it is refused, and a
/// cell made before it that a state does not hold is dropped on a merge: the state with the horizon saw that edit and
/// its removal. Joining two states keeps the later horizon.
/// </remarks>
internal sealed class DocumentState
{
    /// <summary>The snapshot format version this library writes for a state with a horizon, and the newest it reads.</summary>
    public const int SnapshotFormatVersion = 2;

    public Dictionary<string, ObjectState> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>The horizon, in Unix milliseconds, or <see langword="null"/> when nothing was ever purged.</summary>
    public long? Horizon { get; set; }

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

    /// <summary>Joins an operation's cells (an operation for an object of another type, or before the horizon, is skipped).</summary>
    public void TryApply(CrdtOperation op)
    {
        if ((Objects.TryGetValue(op.ObjectName, out var existing) && existing.Kind != op.Kind) || IsStale(op.Id))
        {
            return;
        }

        var obj = GetOrAdd(op.ObjectName, op.Kind);
        foreach (var (key, value) in op.Cells)
        {
            obj.Apply(key, new CrdtCell(op.Id, value), Horizon);
        }
    }

    /// <summary>Whether an edit was made before the horizon.</summary>
    public bool IsStale(HybridTimestamp stamp) => Horizon is { } h && stamp.WallMilliseconds < h;

    /// <summary>Moves the horizon forward to <paramref name="horizon"/> (never back) and purges below it.</summary>
    /// <returns>The objects that lost cells.</returns>
    public List<ObjectState> AdvanceHorizon(long horizon)
    {
        var h = Math.Max(Horizon ?? long.MinValue, horizon);
        Horizon = h;
        return [.. Objects.Values.Where(o => o.Purge(h))];
    }

    public string ToSnapshotJson()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Horizon is null ? 1 : SnapshotFormatVersion);
            if (Horizon is { } horizon)
            {
                writer.WriteNumber("h", horizon);
            }

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

            CrdtOperation.CheckVersion(root, "snapshot", SnapshotFormatVersion);
            long? horizon = null;
            if (root.TryGetProperty("h", out var h))
            {
                if (h.ValueKind != JsonValueKind.Number || !h.TryGetInt64(out var ms))
                {
                    throw Malformed("field \"h\" (the horizon) must be an integer (Unix milliseconds)", "h");
                }

                horizon = ms;
            }

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

            state.Horizon = horizon;
            return state;
        }
    }

    private static OperationRejectedException Malformed(string problem, string? field) =>
        new(RejectionReason.Malformed, "Rejected snapshot: " + problem + ".", field);
}
