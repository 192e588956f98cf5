using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// What a plain listen (an SSE stream or a realtime listen) at a location is told of one write, scoped to that location:
/// a write at or below it as it was made (an overwrite at its path, a multi-path update as one merge at its path); a
/// write above it as the new value of the location, or as a merge of the update entries that reach below it. Nothing
/// outside the location leaks to a client that listens only there. Each front end turns it into its own wire form.
/// </summary>
/// <param name="Path">The overwritten location, or the base of the merge.</param>
/// <param name="Value">The new value at <paramref name="Path"/> (an overwrite); null for a merge.</param>
/// <param name="Entries">The merge's entries, keyed by path relative to <paramref name="Path"/>; null for an overwrite.</param>
internal readonly record struct ScopedChange(RealtimePath Path, DataNode? Value, IReadOnlyList<KeyValuePair<string, DataNode>>? Entries)
{
    /// <summary>The change a listen at <paramref name="location"/> sees of <paramref name="write"/>, or null when it sees none.</summary>
    public static ScopedChange? Of(RealtimePath location, DatabaseWrite write)
    {
        var at = write.Path;
        if (write.Kind == DatabaseWriteKind.Set || write.Updates is null)
        {
            var target = location.IsAncestorOrSelf(at) ? at : location;
            return new ScopedChange(target, write.NewRoot.GetAt(target), null);
        }

        if (location.IsAncestorOrSelf(at))
        {
            return new ScopedChange(at, null, [.. write.Updates.Keys.Select(relative => Entry(relative, write.NewRoot.GetAt(at.Child(relative))))]);
        }

        // An update above the location: keep the entries that reach it.
        var below = new List<KeyValuePair<string, DataNode>>();
        foreach (var relative in write.Updates.Keys)
        {
            var absolute = at.Child(relative);
            if (absolute.IsAncestorOrSelf(location))
            {
                return new ScopedChange(location, write.NewRoot.GetAt(location), null);
            }

            if (location.IsAncestorOrSelf(absolute))
            {
                below.Add(Entry(location.RelativeTo(absolute), write.NewRoot.GetAt(absolute)));
            }
        }

        return below.Count > 0 ? new ScopedChange(location, null, below) : null;
    }

    private static KeyValuePair<string, DataNode> Entry(RealtimePath relative, DataNode value) => new(relative.ToString()[1..], value);
}
