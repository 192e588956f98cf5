namespace RealtimeAdapters.Collaboration;

/// <summary>
/// Dense position keys for the list: strings over base-62 digits, compared ordinally, with no trailing zero, so that a
/// key strictly between any two distinct keys always exists. Each key ends with a short tag derived from the edit's
/// timestamp, so that two replicas inserting at the same place at once get distinct keys (ties between equal keys are
/// broken by element id in any case).
/// </summary>
internal static class PositionKeys
{
    public const int MaxLength = 4096;
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int Base = 62;

    /// <summary>Whether a key from another replica is well formed.</summary>
    public static bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || key[^1] == '0')
        {
            return false;
        }

        foreach (var c in key)
        {
            if (Digit(c) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A key strictly between <paramref name="before"/> and <paramref name="after"/> (either may be absent).</summary>
    /// <remarks>When the neighbours hold equal keys (two replicas made the same key), the key goes after both.</remarks>
    public static string Between(string? before, string? after, HybridTimestamp stamp)
    {
        var a = before ?? string.Empty;
        if (after is not null && string.CompareOrdinal(a, after) >= 0)
        {
            after = null;
        }

        return NotPrefixOf(a, after) + Tag(stamp);
    }

    // A key k with a < k < b that is not a prefix of b, so that k followed by any tag stays below b.
    private static string NotPrefixOf(string a, string? b)
    {
        var m = Midpoint(a, b);
        if (b is not null && b.Length > m.Length && b.StartsWith(m, StringComparison.Ordinal))
        {
            return m + NotPrefixOf(string.Empty, b[m.Length..]);
        }

        return m;
    }

    // After the algorithm of "fractional indexing" (a < b, no trailing zeros; b null is +infinity).
    private static string Midpoint(string a, string? b)
    {
        if (b is null)
        {
            // After a (appending): its leading top digits, then its first other digit plus one (the rest dropped); after
            // only top digits, a "1". The same key the general case below reaches one digit per call, in linear time.
            var top = 0;
            while (top < a.Length && a[top] == Digits[Base - 1])
            {
                top++;
            }

            return top < a.Length ? string.Concat(a.AsSpan(0, top), Digits.AsSpan(Digit(a[top]) + 1, 1)) : a + Digits[1];
        }

        if (b is not null)
        {
            var n = 0;
            while (n < b.Length && (n < a.Length ? a[n] : '0') == b[n])
            {
                n++;
            }

            if (n > 0)
            {
                return b[..n] + Midpoint(a.Length > n ? a[n..] : string.Empty, b[n..]);
            }
        }

        var da = a.Length > 0 ? Digit(a[0]) : 0;
        if (b is null && da < Base - 1)
        {
            // Appending: step by one rather than halving, so that keys grow one character per 61 appends.
            return Digits[da + 1].ToString();
        }

        var db = b is not null ? Digit(b[0]) : Base;
        if (db - da > 1)
        {
            return Digits[(da + db) / 2].ToString();
        }

        if (b is not null && b.Length > 1)
        {
            return b[..1];
        }

        return Digits[da] + Midpoint(a.Length > 0 ? a[1..] : string.Empty, null);
    }

    private static string Tag(HybridTimestamp stamp)
    {
        // FNV-1a: stable across processes and versions (string.GetHashCode is not).
        var hash = 2166136261u;
        foreach (var c in stamp.ToString())
        {
            hash = (hash ^ c) * 16777619u;
        }

        Span<char> tag = stackalloc char[3];
        tag[0] = Digits[(int)(hash % Base)];
        tag[1] = Digits[(int)(hash / Base % Base)];
        tag[2] = Digits[1 + (int)(hash / Base / Base % (Base - 1))];
        return new string(tag);
    }

    private static int Digit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'Z' => c - 'A' + 10,
        >= 'a' and <= 'z' => c - 'a' + 36,
        _ => -1,
    };
}
