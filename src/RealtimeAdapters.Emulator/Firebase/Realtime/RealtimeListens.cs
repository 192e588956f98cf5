namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// A connection's listens by path and tag. The request loop adds and removes them; the sender revokes them when the rules
/// stop allowing the read; hence the lock.
/// </summary>
internal sealed class RealtimeListens
{
    private readonly Dictionary<(RealtimePath Path, long? Tag), RealtimeListen> _listens = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _listens.Count;
            }
        }
    }

    /// <summary>Adds a listen, ending one with the same path and tag (a listen sent again replaces the earlier one).</summary>
    public void Add(RealtimeListen listen)
    {
        RealtimeListen? replaced;
        lock (_gate)
        {
            _listens.Remove(listen.Key, out replaced);
            _listens[listen.Key] = listen;
        }

        replaced?.Dispose();
    }

    /// <summary>Ends the listen with this path and tag, if there is one.</summary>
    public bool Remove(RealtimePath path, long? tag)
    {
        RealtimeListen? removed;
        lock (_gate)
        {
            _listens.Remove((path, tag), out removed);
        }

        removed?.Dispose();
        return removed is not null;
    }

    /// <summary>Ends <paramref name="listen"/> if it is still the one registered under its key.</summary>
    public bool Remove(RealtimeListen listen)
    {
        lock (_gate)
        {
            if (!_listens.TryGetValue(listen.Key, out var current) || !ReferenceEquals(current, listen))
            {
                return false;
            }

            _listens.Remove(listen.Key);
        }

        listen.Dispose();
        return true;
    }

    public IReadOnlyList<RealtimeListen> Snapshot()
    {
        lock (_gate)
        {
            return [.. _listens.Values];
        }
    }

    /// <summary>Ends every listen (the connection closed).</summary>
    public void Clear()
    {
        List<RealtimeListen> all;
        lock (_gate)
        {
            all = [.. _listens.Values];
            _listens.Clear();
        }

        foreach (var listen in all)
        {
            listen.Dispose();
        }
    }
}
