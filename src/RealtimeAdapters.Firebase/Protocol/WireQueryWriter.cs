using System.Text.Json;

namespace RealtimeAdapters.Firebase.Protocol;

/// <summary>
/// Writes a query as the realtime protocol's query object (<c>q</c> of a listen or a get): index <c>i</c> (<c>.key</c>,
/// <c>.value</c>, a child path; absent for the priority order), start <c>sp</c>/<c>sn</c>/<c>sin</c> (<c>sin</c> false for <c>startAfter</c>), end
/// <c>ep</c>/<c>en</c>/<c>ein</c>, limit <c>l</c> with its side <c>vf</c> (<c>l</c> first, <c>r</c> last), as the
/// official SDKs write it.
/// </summary>
public static class WireQueryWriter
{
    /// <summary>Writes <paramref name="query"/>'s query object (its path is sent beside it, not in it).</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="query">The query.</param>
    public static void Write(Utf8JsonWriter writer, RealtimeQuery query)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(query);
        writer.WriteStartObject();
        var byKey = query.OrderBy == QueryOrderBy.Key;
        if (query.StartAt is { } start)
        {
            WriteBound(writer, start, "sp", "sn", "sin", byKey);
        }

        if (query.EndAt is { } end)
        {
            WriteBound(writer, end, "ep", "en", "ein", byKey);
        }

        if (query.LimitToFirst is { } first)
        {
            writer.WriteNumber("l", first);
            writer.WriteString("vf", "l");
        }
        else if (query.LimitToLast is { } last)
        {
            writer.WriteNumber("l", last);
            writer.WriteString("vf", "r");
        }

        switch (query.OrderBy)
        {
            case QueryOrderBy.Key:
                writer.WriteString("i", ".key");
                break;
            case QueryOrderBy.Value:
                writer.WriteString("i", ".value");
                break;
            case QueryOrderBy.Child:
                writer.WriteString("i", string.Join('/', query.OrderByChildPath!.Segments));
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteBound(Utf8JsonWriter writer, QueryBound bound, string valueField, string nameField, string inclusiveField, bool byKey)
    {
        writer.WritePropertyName(valueField);
        bound.Value.WithoutPriority().WriteTo(writer);

        // The key index orders by the key itself: its bound is the key, with no name beside it. On another index an
        // exclusive bound without a key excludes every child with the bound value, as the SDKs say it: startAfter(v) is
        // (v, "[MAX_NAME]"), endBefore(v) is (v, "[MIN_NAME]").
        if (!byKey && (bound.Key ?? (bound.Exclusive ? (inclusiveField == "sin" ? "[MAX_NAME]" : "[MIN_NAME]") : null)) is { } key)
        {
            writer.WriteString(nameField, key);
        }

        writer.WriteBoolean(inclusiveField, !bound.Exclusive);
    }
}
