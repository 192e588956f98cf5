namespace RealtimeAdapters.Firebase.Internal;

/// <summary>One location a server event replaced, relative to the watched location.</summary>
/// <param name="Path">The location (for a priority change, the node whose priority changed).</param>
/// <param name="Value">Its new value, or its new priority; <see cref="DataNode.Null"/> deletes.</param>
/// <param name="IsPriority">Whether only the priority of <paramref name="Path"/> changed.</param>
internal readonly record struct ServerChange(RealtimePath Path, DataNode Value, bool IsPriority = false)
{
    /// <summary>A value as the wire carries it (export form; JSON null or nothing deletes).</summary>
    public static DataNode ReadValue(System.Text.Json.JsonElement value) =>
        value.ValueKind is System.Text.Json.JsonValueKind.Undefined or System.Text.Json.JsonValueKind.Null ? DataNode.Null : DataNode.FromJson(value);

    /// <summary>Reads a location as the wire names it (<c>/a/b</c>, <c>/a/.priority</c>) with its new value.</summary>
    public static ServerChange At(string wirePath, DataNode value)
    {
        var segments = wirePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var isPriority = segments.Length > 0 && segments[^1] == ".priority";
        var path = RealtimePath.Root;
        foreach (var segment in isPriority ? segments[..^1] : segments)
        {
            path = path.Child(segment);
        }

        return new ServerChange(path, value, isPriority);
    }
}
