using System.Text.Json;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>Reads the fields of a request body (<c>b</c>), refusing missing or mistyped ones with a message naming the field.</summary>
internal static class WireFields
{
    /// <summary>The location named by <c>p</c>: a slash-separated path (leading slash optional), its last segment possibly <c>.priority</c>.</summary>
    public static (RealtimePath Path, bool IsPriority) Path(JsonElement body)
    {
        var text = String(body, "p") ?? throw Invalid("the request has no path (p)");
        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isPriority = segments.Length > 0 && segments[^1] == ".priority";
        if (isPriority)
        {
            segments = segments[..^1];
        }

        foreach (var segment in segments)
        {
            if (RealtimeKeys.GetProblem(segment) is { } problem)
            {
                throw new RealtimeRequestException(RealtimeRequestException.InvalidData, "Invalid path: " + problem);
            }
        }

        try
        {
            return (RealtimePath.Parse(string.Join('/', segments)), isPriority);
        }
        catch (RealtimeValidationException ex)
        {
            throw new RealtimeRequestException(RealtimeRequestException.InvalidData, ex.Message);
        }
    }

    /// <summary>The value in <c>d</c>, normalised. It must be there: a deletion says <c>null</c>, and a request that lost its data must not delete.</summary>
    public static DataNode Data(JsonElement body)
    {
        if (!body.TryGetProperty("d", out var data))
        {
            throw Invalid("the request has no data (d); send null to delete");
        }

        try
        {
            return DataNode.FromJson(data);
        }
        catch (RealtimeValidationException ex)
        {
            throw new RealtimeRequestException(RealtimeRequestException.InvalidData, ex.Message);
        }
    }

    public static string? String(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid($"{name} must be a string");
    }

    public static long? Integer(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : throw Invalid($"{name} must be an integer");
    }

    public static bool Flag(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    public static RealtimeRequestException Invalid(string problem) => new(RealtimeRequestException.InvalidRequest, "Invalid request: " + problem + ".");
}
