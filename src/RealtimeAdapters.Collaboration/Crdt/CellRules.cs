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
}
