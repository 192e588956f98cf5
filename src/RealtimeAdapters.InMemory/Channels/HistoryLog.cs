namespace RealtimeAdapters.InMemory;

/// <summary>
/// A channel's retained messages or presence events: a ring buffer ordered by serial, capped by count, pruned by age.
/// With a packer, items are kept as bytes in reused chunks (<see cref="IHistoryPacker{T}"/>) and rebuilt when read, so
/// that a full log costs the garbage collector a few arrays rather than every retained message and its strings.
/// Not thread-safe; the owning <see cref="ChannelState"/> guards it with its lock.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
internal sealed class HistoryLog<T>
    where T : class
{
    private const int InitialCapacity = 64;

    // Chunks start small (a quiet channel keeps a kilobyte, not 64) and double up to the largest, which stays below the
    // large object heap's threshold; an item needing more than half of the largest is kept as an object.
    private const int FirstChunkSize = 1024;
    private const int ChunkSize = 64 * 1024;

    private readonly int _max;
    private readonly IHistoryPacker<T>? _packer;
    private Entry[] _entries = [];
    private int _head;
    private int _count;

    // The chunk being filled, and emptied chunks kept for reuse (at most one), so a steady stream allocates nothing.
    private Chunk? _current;
    private Chunk? _spare;
    private int _nextChunkSize = FirstChunkSize;

    public HistoryLog(int max, IHistoryPacker<T>? packer = null)
    {
        _max = max;
        _packer = packer;
    }

    public int Count => _count;

    /// <summary>The bytes of the chunks the log holds for packing (the current and the spare one).</summary>
    internal int ChunkBytes => (_current?.Bytes.Length ?? 0) + (_spare?.Bytes.Length ?? 0);

    /// <summary>How many chunks the log has allocated for packed items (a steady stream reuses them).</summary>
    internal int ChunksCreated { get; private set; }

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

        _entries[Physical(_count)] = Pack(serial, ticks, item);
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

                items.Add(ItemOf(entry));
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

                items.Add(ItemOf(entry));
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
            destination.Add(ItemOf(At(i)));
        }
    }

    /// <summary>Copies the last <paramref name="count"/> retained items, oldest first.</summary>
    public void CopyLast(int count, List<T> destination)
    {
        for (var i = Math.Max(0, _count - count); i < _count; i++)
        {
            destination.Add(ItemOf(At(i)));
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
                destination.Add(ItemOf(entry));
            }
        }
    }

    /// <summary>Whether a retained item with a serial in [<paramref name="fromSerial"/>, <paramref name="toSerial"/>] satisfies <paramref name="predicate"/>.</summary>
    public bool AnyBetween<TState>(long fromSerial, long toSerial, TState state, Func<T, TState, bool> predicate)
    {
        for (var i = FirstIndexAtOrAfter(fromSerial); i < _count && At(i).Serial <= toSerial; i++)
        {
            if (predicate(ItemOf(At(i)), state))
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

    private Entry Pack(long serial, long ticks, T item)
    {
        var size = _packer?.MaxSize(item) ?? -1;
        if (size < 0 || size > ChunkSize / 2)
        {
            return new Entry(serial, ticks, item, null, 0, 0);
        }

        if (_current is null || _current.Bytes.Length - _current.Used < size)
        {
            if (_spare is not null)
            {
                _current = _spare;
            }
            else
            {
                ChunksCreated++;
                _current = new Chunk(Math.Max(size, _nextChunkSize));
                _nextChunkSize = Math.Min(ChunkSize, _nextChunkSize * 2);
            }

            _spare = null;
        }

        var chunk = _current;
        var offset = chunk.Used;
        var written = _packer!.Pack(item, chunk.Bytes.AsSpan(offset, size));
        if (written < 0)
        {
            return new Entry(serial, ticks, item, null, 0, 0);
        }

        chunk.Used += written;
        chunk.Live++;
        return new Entry(serial, ticks, null, chunk, offset, written);
    }

    private T ItemOf(in Entry entry) => entry.Item ?? _packer!.Unpack(entry.Chunk!.Bytes.AsSpan(entry.Offset, entry.Length));

    private void DropOldest()
    {
        ref var oldest = ref _entries[_head];
        DroppedThrough = oldest.Serial;
        if (oldest.Chunk is { } chunk && --chunk.Live == 0 && chunk != _current && chunk.Bytes.Length == ChunkSize)
        {
            // Nothing retained lies in it any more: filled again from the start when the current chunk is full. (The
            // smaller chunks of a log's first messages are left to the collector.)
            chunk.Used = 0;
            _spare = chunk;
        }

        if (_count == 1)
        {
            // The log is emptying (a quiet channel whose history aged out): it keeps no chunk.
            _current = null;
            _spare = null;
            _nextChunkSize = FirstChunkSize;
        }

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

    /// <summary>A retained item: the item itself, or where its packed bytes lie.</summary>
    private readonly record struct Entry(long Serial, long Ticks, T? Item, Chunk? Chunk, int Offset, int Length);

    private sealed class Chunk(int size)
    {
        public byte[] Bytes { get; } = new byte[size];

        public int Used { get; set; }

        // The retained items packed in it.
        public int Live { get; set; }
    }
}
