using System.Text;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// Dense position keys for the list: strings over base-62 digits, compared ordinally, with no trailing zero, so that a
/// key strictly between any two distinct keys always exists. Each key ends with a short tag derived from the edit's
/// timestamp, so that two replicas inserting at the same place at once get distinct keys (ties between equal keys are
/// broken by element id in any case).
/// </summary>
/// <remarks>
/// <para>
/// Keys are allocated as sequences of integers, each written with a head digit that gives its sign and its number of
/// digits (31 + n: n digits, non-negative; 31 - n: n digits, negative; as in the integer part of "fractional indexing"):
/// an encoding that is prefix-free and keeps numeric order, so that the ordinal order of two keys is the lexicographic
/// order of their sequences. The tag is the last integer. Appending after <c>[n, tag]</c> gives <c>[n + 1, tag']</c>;
/// prepending gives <c>[n - 1, tag']</c>; between two adjacent integers the key keeps the lower one and continues after
/// the rest of the lower key, one level down, where the integers are unbounded again. So the common patterns (appends at
/// the end, prepends at the start, inserts repeated at one index or typing at one place) count up or down at one level and
/// keys grow with the logarithm of the number of inserts (base 62), not linearly.
/// </para>
/// <para>
/// Every key is a plain base-62 string either way: replicas of an earlier version read and order these keys unchanged,
/// and next to a key this scheme cannot read (made by an earlier version) a key is made by the earlier allocation.
/// </para>
/// </remarks>
internal static class PositionKeys
{
    public const int MaxLength = 4096;
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int Base = 62;
    private const int MiddleHead = 31;

    // The most digits of one integer: 62^8 + ... stays well inside a long.
    private const int MaxDigits = 8;

    // Offsets[n]: the smallest non-negative integer written with n digits (0 for 1 digit, 62 for 2, 62 + 62^2 for 3...).
    private static readonly long[] Offsets = BuildOffsets();

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
        if (after is not null && before is not null && string.CompareOrdinal(before, after) >= 0)
        {
            after = null;
        }

        var hash = Hash(stamp);
        var lower = before is null ? null : Parse(before);
        var upper = after is null ? null : Parse(after);
        if ((before is null || lower is not null) && (after is null || upper is not null) && Allocate(lower, upper) is { } key)
        {
            // The tag: a 3-digit integer whose last digit is not zero, so that no key ends with a zero.
            var tag = Offsets[3] + (hash % (Base * Base) * Base) + 1 + (hash / (Base * Base) % (Base - 1));
            key.Add((long)tag);
            return Encode(key);
        }

        return NotPrefixOf(before ?? string.Empty, after) + LegacyTag(hash);
    }

    // The integers of a key, or null when the key is not such a sequence (made by an earlier version).
    internal static List<long>? Parse(string key)
    {
        var result = new List<long>();
        var i = 0;
        while (i < key.Length)
        {
            var head = Digit(key[i]);
            var n = head >= MiddleHead ? head - MiddleHead + 1 : MiddleHead - head;
            if (n > MaxDigits || i + 1 + n > key.Length)
            {
                return null;
            }

            long digits = 0;
            for (var j = i + 1; j <= i + n; j++)
            {
                digits = (digits * Base) + Digit(key[j]);
            }

            result.Add(head >= MiddleHead ? Offsets[n] + digits : digits - Offsets[n + 1]);
            i += 1 + n;
        }

        return result;
    }

    // A sequence k with lower < k and k < upper, k not a prefix of upper (so that k followed by a tag stays below it);
    // null (+/- infinity) for an absent bound. Null when an integer would need more than MaxDigits digits.
    private static List<long>? Allocate(List<long>? lower, List<long>? upper)
    {
        var key = new List<long>();
        for (var i = 0; ; i++)
        {
            // An absent lower bound, or a lower key that ended (a prefix of the key so far), is below every integer here.
            long? low = lower is not null && i < lower.Count ? lower[i] : null;
            if (upper is not null && i >= upper.Count)
            {
                return null; // not reached for lower < upper; a safe answer regardless
            }

            long? high = upper?[i];
            switch (low, high)
            {
                case (null, null):
                    key.Add(0);
                    return key;
                case (null, { } h):
                    return h - 1 < -Offsets[MaxDigits + 1] ? null : Append(key, h - 1);
                case ({ } l, null):
                    return l + 1 >= Offsets[MaxDigits + 1] ? null : Append(key, l + 1);
                case ({ } l, { } h) when h - l >= 2:
                    return Append(key, l + 1);
                case ({ } l, { } h) when h == l + 1:
                    // Adjacent: keep the lower integer and go after the rest of the lower key, with no upper bound below.
                    key.Add(l);
                    upper = null;
                    break;
                case ({ } l, { } h) when h == l:
                    key.Add(l);
                    break;
                default:
                    return null; // lower above upper: not reached for lower < upper
            }
        }
    }

    private static List<long> Append(List<long> key, long value)
    {
        key.Add(value);
        return key;
    }

    private static string Encode(List<long> key)
    {
        var text = new StringBuilder(key.Count * 4);
        Span<char> digits = stackalloc char[MaxDigits];
        foreach (var value in key)
        {
            var magnitude = value >= 0 ? value : -value - 1;
            var n = 1;
            while (magnitude >= Offsets[n + 1])
            {
                n++;
            }

            text.Append(Digits[value >= 0 ? MiddleHead + n - 1 : MiddleHead - n]);
            var rest = value >= 0 ? value - Offsets[n] : value + Offsets[n + 1];
            for (var j = n - 1; j >= 0; j--)
            {
                digits[j] = Digits[(int)(rest % Base)];
                rest /= Base;
            }

            text.Append(digits[..n]);
        }

        return text.ToString();
    }

    private static long[] BuildOffsets()
    {
        var offsets = new long[MaxDigits + 2];
        long power = Base;
        for (var n = 2; n <= MaxDigits + 1; n++, power *= Base)
        {
            offsets[n] = offsets[n - 1] + power;
        }

        return offsets;
    }

    // The allocation of earlier versions, used next to keys it made: a key k with a < k < b that is not a prefix of b.
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
            // only top digits, a "1".
            var top = 0;
            while (top < a.Length && a[top] == Digits[Base - 1])
            {
                top++;
            }

            return top < a.Length ? string.Concat(a.AsSpan(0, top), Digits.AsSpan(Digit(a[top]) + 1, 1)) : a + Digits[1];
        }

        var n = 0;
        while (n < b.Length && (n < a.Length ? a[n] : '0') == b[n])
        {
            n++;
        }

        if (n > 0)
        {
            return b[..n] + Midpoint(a.Length > n ? a[n..] : string.Empty, b[n..]);
        }

        var da = a.Length > 0 ? Digit(a[0]) : 0;
        var db = Digit(b[0]);
        if (db - da > 1)
        {
            return Digits[(da + db) / 2].ToString();
        }

        if (b.Length > 1)
        {
            return b[..1];
        }

        return Digits[da] + Midpoint(a.Length > 0 ? a[1..] : string.Empty, null);
    }

    // FNV-1a of the timestamp: stable across processes and versions (string.GetHashCode is not).
    private static uint Hash(HybridTimestamp stamp)
    {
        var hash = 2166136261u;
        foreach (var c in stamp.ToString())
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private static string LegacyTag(uint hash)
    {
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
