namespace RealtimeAdapters;

/// <summary>
/// Shares the strings of short keys read from the wire. A list of small objects repeats the same few field names in every
/// child (<c>title</c>, <c>done</c>...); parsed one by one, each child would keep its own copies. A fixed table of recent
/// keys, indexed by hash and overwritten on collision, keeps memory bounded whatever the keys (unique push ids only pass
/// through it). Lock-free: a slot holds a reference, read and written atomically; a lost race only costs a copy.
/// </summary>
internal static class KeyCache
{
    private const int Slots = 4096;
    private const int MaxLength = 24;
    private static readonly string?[] Table = new string?[Slots];

    /// <summary>An equal string seen recently, or <paramref name="key"/> itself (then remembered).</summary>
    public static string Share(string key)
    {
        if (key.Length > MaxLength)
        {
            return key;
        }

        var slot = key.GetHashCode() & (Slots - 1);
        var cached = Volatile.Read(ref Table[slot]);
        if (cached is not null && string.Equals(cached, key, StringComparison.Ordinal))
        {
            return cached;
        }

        Volatile.Write(ref Table[slot], key);
        return key;
    }
}
