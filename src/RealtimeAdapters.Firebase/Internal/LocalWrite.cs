namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// A write of this store not yet confirmed, laid over the server's value in every stream it touches (latency
/// compensation). <see cref="Acknowledged"/> turns true when the database answered the REST call with success.
/// </summary>
internal sealed class LocalWrite(IReadOnlyList<(RealtimePath Path, DataNode Value)> entries)
{
    private int _acknowledged;

    /// <summary>The absolute paths written and their values (one for a set, several for an update).</summary>
    public IReadOnlyList<(RealtimePath Path, DataNode Value)> Entries { get; } = entries;

    public bool Acknowledged => Volatile.Read(ref _acknowledged) != 0;

    public void Acknowledge() => Volatile.Write(ref _acknowledged, 1);

    /// <summary>Whether the write changes anything at or below <paramref name="location"/>, or contains it.</summary>
    public bool Touches(RealtimePath location)
    {
        foreach (var (path, _) in Entries)
        {
            if (path.Overlaps(location))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lays the write over <paramref name="value"/>, the value of <paramref name="location"/>.</summary>
    public DataNode ApplyTo(RealtimePath location, DataNode value)
    {
        foreach (var (path, node) in Entries)
        {
            if (location.IsAncestorOrSelf(path))
            {
                value = value.SetAt(location.RelativeTo(path), node);
            }
            else if (path.IsAncestorOrSelf(location))
            {
                value = node.GetAt(path.RelativeTo(location));
            }
        }

        return value;
    }
}
