using System.Text.Json;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// The cells each type has, and what they may hold. Register: <c>v</c>. Map: <c>k:&lt;key&gt;</c> (JSON null removes the
/// key). Set: <c>a:&lt;tag&gt;</c> holds an added element, the tag being the timestamp of the add; <c>r:&lt;tag&gt;</c>
/// (<see langword="true"/>) removes that add. List: for element <c>e</c> (the timestamp of its insert),
/// <c>v:e</c> its value, <c>p:e</c> its position key, <c>d:e</c> (<see langword="true"/>) its removal.
/// </summary>
internal static class CellRules
{
    public const int MaxMapKeyLength = 768;

    /// <summary>Returns why a cell is invalid, or <see langword="null"/> when it is valid.</summary>
    /// <param name="kind">The object's type.</param>
    /// <param name="key">The cell key.</param>
    /// <param name="value">The value.</param>
    /// <param name="stamp">The cell's timestamp (the operation's id).</param>
    public static string? Check(CrdtObjectKind kind, string key, JsonElement value, HybridTimestamp stamp)
    {
        switch (kind)
        {
            case CrdtObjectKind.Register:
                return key == "v" ? null : "a register has only the cell \"v\"";
            case CrdtObjectKind.Map:
                if (!key.StartsWith("k:", StringComparison.Ordinal) || key.Length == 2 || key.Length > MaxMapKeyLength + 2)
                {
                    return $"a map cell is \"k:<key>\" with a key of 1 to {MaxMapKeyLength} characters";
                }

                return null;
            case CrdtObjectKind.Set:
                if (key.StartsWith("a:", StringComparison.Ordinal))
                {
                    return key.AsSpan(2).SequenceEqual(stamp.ToString())
                        ? value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? "a set element cannot be null" : null
                        : "an added set element is tagged with the timestamp of its own add";
                }

                if (key.StartsWith("r:", StringComparison.Ordinal))
                {
                    return !HybridTimestamp.TryParse(key[2..], out _) ? "a removal names the timestamp of an add"
                        : value.ValueKind != JsonValueKind.True ? "a removal cell holds true" : null;
                }

                return "a set cell is \"a:<tag>\" or \"r:<tag>\"";
            case CrdtObjectKind.List:
                if (key.Length < 3 || key[1] != ':' || !HybridTimestamp.TryParse(key[2..], out _))
                {
                    return "a list cell is \"v:<element>\", \"p:<element>\" or \"d:<element>\", the element being a timestamp";
                }

                return key[0] switch
                {
                    'v' => null,
                    'p' => value.ValueKind == JsonValueKind.String && PositionKeys.IsValid(value.GetString()) ? null : "a position is a non-empty base-62 key without a trailing zero",
                    'd' => value.ValueKind == JsonValueKind.True ? null : "a removal cell holds true",
                    _ => "a list cell is \"v:<element>\", \"p:<element>\" or \"d:<element>\"",
                };
            default:
                return "unknown object type";
        }
    }

    /// <summary>Whether a cell can no longer affect what the object shows, given the others (compaction).</summary>
    public static bool IsObsolete(CrdtObjectKind kind, string key, Dictionary<string, CrdtCell> cells) => kind switch
    {
        CrdtObjectKind.List when key[0] is 'v' or 'p' => cells.ContainsKey(string.Concat("d:", key.AsSpan(2))),
        CrdtObjectKind.Set when key[0] == 'a' => cells.ContainsKey(string.Concat("r:", key.AsSpan(2))),
        _ => false,
    };

    /// <summary>The cells a newly written cell makes obsolete.</summary>
    public static IEnumerable<string> Obsoleted(CrdtObjectKind kind, string key)
    {
        if (kind == CrdtObjectKind.List && key[0] == 'd')
        {
            yield return string.Concat("v:", key.AsSpan(2));
            yield return string.Concat("p:", key.AsSpan(2));
        }
        else if (kind == CrdtObjectKind.Set && key[0] == 'r')
        {
            yield return string.Concat("a:", key.AsSpan(2));
        }
    }

    /// <summary>
    /// Whether a cell the state does not hold may join it, given the state's horizon. Below the horizon the state saw every
    /// edit, so a cell made before it that the state does not hold was removed and its tombstone purged: it is dropped,
    /// and so is every cell of a list element made before the horizon of which the state holds nothing (a late update or
    /// move must not bring it back). A removal is the exception: however late, it still removes what the state holds.
    /// </summary>
    public static bool IsAdmissible(CrdtObjectKind kind, string key, CrdtCell cell, Dictionary<string, CrdtCell> cells, long horizon)
    {
        var recent = cell.Stamp.WallMilliseconds >= horizon;
        return kind switch
        {
            CrdtObjectKind.List when ElementWall(key) < horizon && !HoldsElement(cells, key) => false,
            CrdtObjectKind.List when key[0] == 'd' => true,
            CrdtObjectKind.Set when key[0] == 'r' => recent || cells.ContainsKey(Sibling('a', key)),
            _ => recent,
        };
    }

    /// <summary>Whether a cell is a removal: a list element's, a set add's, or a map key's (null).</summary>
    public static bool IsTombstone(CrdtObjectKind kind, string key, CrdtCell cell) => kind switch
    {
        CrdtObjectKind.List => key[0] == 'd',
        CrdtObjectKind.Set => key[0] == 'r',
        CrdtObjectKind.Map => cell.Value.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    /// <summary>Whether the cells hold any cell (value, position or removal) of the list element of <paramref name="key"/>.</summary>
    public static bool HoldsElement(Dictionary<string, CrdtCell> cells, string key) =>
        cells.ContainsKey(Sibling('v', key)) || cells.ContainsKey(Sibling('p', key)) || cells.ContainsKey(Sibling('d', key));

    /// <summary>
    /// Whether a cell can be purged below the horizon: a removal tombstone, or a cell of a list element made before the
    /// horizon that is not whole (it can never become visible).
    /// </summary>
    public static bool IsPurgeable(CrdtObjectKind kind, string key, CrdtCell cell, Dictionary<string, CrdtCell> cells, long horizon) => kind switch
    {
        CrdtObjectKind.Map => cell.Value.ValueKind == JsonValueKind.Null && cell.Stamp.WallMilliseconds < horizon,
        CrdtObjectKind.Set => key[0] == 'r' && cell.Stamp.WallMilliseconds < horizon,
        CrdtObjectKind.List => key[0] == 'd'
            ? cell.Stamp.WallMilliseconds < horizon
            : ElementWall(key) < horizon && !(cells.ContainsKey(Sibling('v', key)) && cells.ContainsKey(Sibling('p', key))),
        _ => false,
    };

    /// <summary>The wall time of a list element's id (the timestamp after "x:"; checked when the cell was accepted).</summary>
    public static long ElementWall(string key)
    {
        var dot = key.IndexOf('.', 2);
        return long.Parse(key.AsSpan(2, dot - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Sibling(char kind, string key) => string.Concat([kind], key.AsSpan(1));
}
