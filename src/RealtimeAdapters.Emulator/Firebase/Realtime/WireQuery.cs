using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// The query object of a listen or get (<c>q</c>): index <c>i</c>, start <c>sp</c>/<c>sn</c>/<c>sin</c>, end
/// <c>ep</c>/<c>en</c>/<c>ein</c>, limit <c>l</c>/<c>vf</c>, turned into an engine query. The SDK's sentinel names
/// <c>[MIN_NAME]</c> and <c>[MAX_NAME]</c> (a bound below or above every key of its value) become keyless bounds,
/// inclusive or exclusive, so that <c>startAfter(v)</c> leaves out every child whose index value is <c>v</c>.
/// </summary>
internal static class WireQuery
{
    private const string MinName = "[MIN_NAME]";
    private const string MaxName = "[MAX_NAME]";

    /// <summary>The query at <paramref name="path"/> that <paramref name="wire"/> describes (the whole location when it has no range or limit).</summary>
    /// <exception cref="RealtimeRequestException">The object is not a valid query.</exception>
    public static RealtimeQuery Parse(RealtimePath path, JsonElement wire)
    {
        if (wire.ValueKind != JsonValueKind.Object)
        {
            throw WireFields.Invalid("the query (q) must be an object");
        }

        try
        {
            var query = Index(RealtimeQuery.At(path), WireFields.String(wire, "i"));
            var byKey = query.OrderBy == QueryOrderBy.Key;
            var start = Bound(wire, "sp", "sn", "sin", byKey);
            var end = Bound(wire, "ep", "en", "ein", byKey);
            if (start is { } s && end is { } e && s == e && !s.Exclusive)
            {
                query = query.WithEqualTo(s.Value, s.Key);
            }
            else
            {
                if (start is { } from)
                {
                    query = from.Exclusive ? query.WithStartAfter(from.Value, from.Key) : query.WithStartAt(from.Value, from.Key);
                }

                if (end is { } to)
                {
                    query = to.Exclusive ? query.WithEndBefore(to.Value, to.Key) : query.WithEndAt(to.Value, to.Key);
                }
            }

            if (WireFields.Integer(wire, "l") is { } limit)
            {
                if (limit is < 1 or > int.MaxValue)
                {
                    throw WireFields.Invalid("the limit (l) must be a positive integer");
                }

                // Older clients send no vf: the limit then counts from the start bound's side, else from the end.
                var fromLeft = WireFields.String(wire, "vf") is { } side ? side == "l" : start is not null;
                query = fromLeft ? query.WithLimitToFirst((int)limit) : query.WithLimitToLast((int)limit);
            }

            return query;
        }
        catch (RealtimeValidationException ex)
        {
            throw new RealtimeRequestException(RealtimeRequestException.InvalidRequest, ex.Message);
        }
    }

    private static RealtimeQuery Index(RealtimeQuery query, string? index) => index switch
    {
        null or ".priority" => query.OrderByPriority(),
        ".key" => query.OrderByKey(),
        ".value" => query.OrderByValue(),
        _ => RealtimePath.TryParse(index, out var child) && !child!.IsRoot
            ? query.OrderByChild(child)
            : throw WireFields.Invalid("the index (i) is not a valid child path"),
    };

    /// <summary>A bound as the engine takes it: value, tie-breaking key (none for a sentinel), and whether it is exclusive.</summary>
    private static QueryBound? Bound(JsonElement wire, string valueField, string nameField, string inclusiveField, bool byKey)
    {
        if (!wire.TryGetProperty(valueField, out var raw))
        {
            return null;
        }

        var value = raw.ValueKind switch
        {
            JsonValueKind.String => DataNode.FromString(raw.GetString()!),
            JsonValueKind.Number when raw.TryGetDouble(out var number) && double.IsFinite(number) => DataNode.FromNumber(number),
            JsonValueKind.True => DataNode.True,
            JsonValueKind.False => DataNode.False,
            JsonValueKind.Null => DataNode.Null,
            _ => throw WireFields.Invalid($"the bound {valueField} must be a string, a number, a boolean or null"),
        };
        var inclusive = !wire.TryGetProperty(inclusiveField, out var flag) || flag.ValueKind != JsonValueKind.False;
        if (byKey)
        {
            // The key index orders by the key itself: the value is the key and no name is sent.
            return new QueryBound(value) { Exclusive = !inclusive };
        }

        var isStart = valueField == "sp";
        var name = WireFields.String(wire, nameField) ?? (isStart ? MinName : MaxName);
        return name switch
        {
            // Below every key of the value: a start takes all of them, an end none of them.
            MinName => new QueryBound(value) { Exclusive = !isStart },

            // Above every key of the value: an end takes all of them, a start none of them.
            MaxName => new QueryBound(value) { Exclusive = isStart },
            _ => new QueryBound(value, name) { Exclusive = !inclusive },
        };
    }
}
