namespace RealtimeAdapters.InMemory;

/// <summary>
/// A channel's retained messages or presence events: a ring buffer ordered by serial, capped by count, pruned by age.
/// Not thread-safe; the owning <see cref="ChannelState"/> guards it with its lock.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class HistoryLog<T>
    where T : class
{
    private const int InitialCapacity = 64;

    private readonly int _max;
    private Entry[] _entries = [];
    private int _head;
    private int _count;

    public HistoryLog(int max) => _max = max;

    public int Count => _count;

    /// <summary>The highest serial that has left the log (by count or age, or because nothing is kept), or 0.</summary>
    public long DroppedThrough { get; private set; }

    /// <summary>A new log that continues after <paramref name="serial"/>: everything up to it counts as dropped.</summary>
    public void StartAfter(long serial) => DroppedThrough = serial;

    public void Append(long serial, long ticks, T item)
    {
        if (_max == 0)
        {
            DroppedThrough = serial;
            return;
        }

        if (_count == _entries.Length)
        {
            if (_count < _max)
            {
                Grow();
            }
            else
            {
                DropOldest();
            }
        }

        _entries[Physical(_count)] = new Entry(serial, ticks, item);
        _count++;
    }

    /// <summary>Drops entries older than <paramref name="cutoffTicks"/> from the front.</summary>
    public void Prune(long cutoffTicks)
    {
        while (_count > 0 && _entries[_head].Ticks < cutoffTicks)
        {
            DropOldest();
        }
    }

    /// <summary>Reads one page. <paramref name="fromSerial"/> is inclusive: the newest serial for backwards, the oldest for forwards.</summary>
    public (T[] Items, long? NextFromSerial) Read(HistoryDirection direction, long? fromSerial, long? startTicks, long? endTicks, int limit)
    {
        var items = new List<T>(Math.Min(limit, _count));
        var lastSerial = 0L;
        if (direction == HistoryDirection.Backwards)
        {
            var i = fromSerial is { } from ? LastIndexAtOrBefore(from) : _count - 1;
            for (; i >= 0; i--)
            {
                ref readonly var entry = ref At(i);
                if (!InRange(entry.Ticks, startTicks, endTicks))
                {
                    continue;
                }

                if (items.Count == limit)
                {
                    return (items.ToArray(), lastSerial - 1);
                }

                items.Add(entry.Item);
                lastSerial = entry.Serial;
            }
        }
        else
        {
            var i = fromSerial is { } from ? FirstIndexAtOrAfter(from) : 0;
            for (; i < _count; i++)
            {
                ref readonly var entry = ref At(i);
                if (!InRange(entry.Ticks, startTicks, endTicks))
                {
                    continue;
                }

                if (items.Count == limit)
                {
                    return (items.ToArray(), lastSerial + 1);
                }

                items.Add(entry.Item);
                lastSerial = entry.Serial;
            }
        }

        return (items.ToArray(), null);
    }

    /// <summary>Copies the retained items after <paramref name="afterSerial"/> (exclusive), oldest first.</summary>
    public void CopyAfter(long afterSerial, List<T> destination)
    {
        for (var i = FirstIndexAtOrAfter(afterSerial + 1); i < _count; i++)
        {
            destination.Add(At(i).Item);
        }
    }

    /// <summary>Copies the last <paramref name="count"/> retained items, oldest first.</summary>
    public void CopyLast(int count, List<T> destination)
    {
        for (var i = Math.Max(0, _count - count); i < _count; i++)
        {
            destination.Add(At(i).Item);
        }
    }

    /// <summary>Copies the retained items at or after <paramref name="ticks"/>, oldest first.</summary>
    public void CopySince(long ticks, List<T> destination)
    {
        for (var i = 0; i < _count; i++)
        {
            ref readonly var entry = ref At(i);
            if (entry.Ticks >= ticks)
            {
                destination.Add(entry.Item);
            }
        }
    }

    /// <summary>Whether a retained item with a serial in [<paramref name="fromSerial"/>, <paramref name="toSerial"/>] satisfies <paramref name="predicate"/>.</summary>
    public bool AnyBetween<TState>(long fromSerial, long toSerial, TState state, Func<T, TState, bool> predicate)
    {
        for (var i = FirstIndexAtOrAfter(fromSerial); i < _count && At(i).Serial <= toSerial; i++)
        {
            if (predicate(At(i).Item, state))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InRange(long ticks, long? startTicks, long? endTicks) =>
        (startTicks is not { } s || ticks >= s) && (endTicks is not { } e || ticks <= e);

    private ref readonly Entry At(int logicalIndex) => ref _entries[Physical(logicalIndex)];

    // A compare instead of a modulo: this runs once per published message.
    private int Physical(int logicalIndex)
    {
        var index = _head + logicalIndex;
        return index >= _entries.Length ? index - _entries.Length : index;
    }

    // Serials strictly increase along the log, so both searches are binary.
    private int FirstIndexAtOrAfter(long serial)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (At(mid).Serial < serial)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private int LastIndexAtOrBefore(long serial) => FirstIndexAtOrAfter(serial + 1) - 1;

    private void DropOldest()
    {
        DroppedThrough = _entries[_head].Serial;
        _entries[_head] = default;
        _head = _head + 1 == _entries.Length ? 0 : _head + 1;
        _count--;
    }

    private void Grow()
    {
        var next = new Entry[Math.Min(_max, Math.Max(InitialCapacity, _entries.Length * 2))];
        for (var i = 0; i < _count; i++)
        {
            next[i] = At(i);
        }

        _entries = next;
        _head = 0;
    }

    private readonly record struct Entry(long Serial, long Ticks, T Item);
}
