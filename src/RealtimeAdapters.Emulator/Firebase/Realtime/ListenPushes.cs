using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// What a plain (untagged) listen at a location is sent for one write, scoped to that location: a write at or below it
/// goes as it was made (an overwrite at its path, a multi-path update as one merge); a write above it goes as the new
/// value of the listened location, or as a merge of the update entries that reach below it. Nothing outside the location
/// leaks to a client that listens only there.
/// </summary>
internal static class ListenPushes
{
    public static IEnumerable<byte[]> ForWrite(RealtimePath listen, DatabaseWrite write)
    {
        var at = write.Path;
        if (write.Kind == DatabaseWriteKind.Set || write.Updates is null)
        {
            var target = listen.IsAncestorOrSelf(at) ? at : listen;
            yield return RealtimeMessages.Overwrite(target, write.NewRoot.GetAt(target), tag: null);
            yield break;
        }

        if (listen.IsAncestorOrSelf(at))
        {
            yield return RealtimeMessages.Merge(at, write.Updates.Keys.Select(relative => Entry(relative, write.NewRoot.GetAt(at.Child(relative)))), tag: null);
            yield break;
        }

        var below = new List<KeyValuePair<string, DataNode>>();
        foreach (var relative in write.Updates.Keys)
        {
            var absolute = at.Child(relative);
            if (absolute.IsAncestorOrSelf(listen))
            {
                yield return RealtimeMessages.Overwrite(listen, write.NewRoot.GetAt(listen), tag: null);
                yield break;
            }

            if (listen.IsAncestorOrSelf(absolute))
            {
                below.Add(Entry(listen.RelativeTo(absolute), write.NewRoot.GetAt(absolute)));
            }
        }

        if (below.Count > 0)
        {
            yield return RealtimeMessages.Merge(listen, below, tag: null);
        }
    }

    private static KeyValuePair<string, DataNode> Entry(RealtimePath relative, DataNode value) => new(relative.ToString()[1..], value);
}
