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
    /// <remarks>One parse of the path text (every push carries one): a last <c>.priority</c> segment is cut off first.</remarks>
    public static ServerChange At(string wirePath, DataNode value)
    {
        const string Priority = ".priority";
        var end = wirePath.Length;
        while (end > 0 && wirePath[end - 1] == '/')
        {
            end--;
        }

        var start = end - Priority.Length;
        var isPriority = start >= 0 && string.CompareOrdinal(wirePath, start, Priority, 0, Priority.Length) == 0 && (start == 0 || wirePath[start - 1] == '/');
        return new ServerChange(RealtimePath.Parse(isPriority ? wirePath[..start] : wirePath), value, isPriority);
    }
}
