namespace RealtimeAdapters.InMemory;

/// <summary>
/// Orders <see cref="IndexEntry"/> values as <see cref="ChildOrder"/> orders children (sort value, then key order), from
/// the entries' inline sort fields; <see cref="Entry"/> builds an entry with the fields <see cref="ChildOrder"/> would compare.
/// </summary>
internal sealed class IndexEntryComparer : IComparer<IndexEntry>
{
    private readonly ChildOrder _order;
    private readonly bool _byKey;
    private readonly bool _byPriority;

    public IndexEntryComparer(ChildOrder order)
    {
        _order = order;
        _byKey = order.OrderBy == QueryOrderBy.Key;
        _byPriority = order.OrderBy is QueryOrderBy.Default or QueryOrderBy.Priority;
    }

    public IndexEntry Entry(string key, DataNode child)
    {
        var keyOrder = KeyOrderOf(key);
        if (_byKey)
        {
            return new(key, 0, null, keyOrder);
        }

        var value = _order.IndexValue(child);
        var number = value.Kind == DataNodeKind.Number ? value.GetNumber() : 0;
        var text = value.Kind == DataNodeKind.String ? value.GetString() : null;
        var kindClass = _byPriority
            ? value.Kind switch
            {
                DataNodeKind.Number => 1,
                DataNodeKind.String => 2,
                _ => 0,
            }
            : value.Kind switch
            {
                DataNodeKind.Null => 0,
                DataNodeKind.Boolean => value.GetBoolean() ? 2 : 1,
                DataNodeKind.Number => 3,
                DataNodeKind.String => 4,
                _ => 5,
            };
        return new(key, number, text, ((ulong)kindClass << KeyOrderBits) | keyOrder);
    }

    public int Compare(IndexEntry x, IndexEntry y)
    {
        if (!_byKey)
        {
            var c = x.Class.CompareTo(y.Class);
            if (c != 0)
            {
                return c;
            }

            c = x.Text is not null ? string.CompareOrdinal(x.Text, y.Text) : x.Number.CompareTo(y.Number);
            if (c != 0)
            {
                return c;
            }
        }

        return x.KeyOrder != y.KeyOrder ? x.KeyOrder.CompareTo(y.KeyOrder) : KeyComparer.Instance.Compare(x.Key, y.Key);
    }

    /// <summary>The bits of <see cref="IndexEntry.Order"/> that hold the key's summary (the 3 above hold the kind's place).</summary>
    public const int KeyOrderBits = 61;

    /// <summary>
    /// A 61-bit summary of a key such that a smaller summary means a key earlier in <see cref="KeyComparer"/> order (equal
    /// summaries say nothing). Integer keys come first: a clear top bit, then the value. Other keys: a set top bit, then
    /// their first 8 UTF-16 code units in 7 bits each (a unit above 127 counts as 127, and so does every unit after it; a
    /// shorter key is padded with 0), then 4 bits of the ninth unit, clamped to the range from <c>-</c> to <c>9</c> where
    /// list and push-id keys differ. Each step maps a later key to an equal or larger summary, so where summaries differ
    /// the keys differ the same way.
    /// </summary>
    public static ulong KeyOrderOf(string key)
    {
        if (KeyComparer.TryParseInt32Key(key, out var number))
        {
            return (ulong)(uint)(number ^ int.MinValue);
        }

        var summary = 1UL;
        var clamped = false;
        for (var i = 0; i < 8; i++)
        {
            var unit = clamped ? 127 : i < key.Length ? Math.Min((int)key[i], 127) : 0;
            clamped |= unit == 127;
            summary = (summary << 7) | (uint)unit;
        }

        var ninth = clamped ? 15 : key.Length > 8 ? Math.Clamp(key[8] - '-' + 1, 0, 15) : 0;
        return (summary << 4) | (uint)ninth;
    }
}
