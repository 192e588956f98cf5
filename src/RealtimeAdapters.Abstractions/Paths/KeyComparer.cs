using System.Globalization;

namespace RealtimeAdapters;

/// <summary>
/// Firebase key order: keys that parse as 32-bit signed integers come first in numeric order (equal numbers,
/// such as <c>"1"</c> and <c>"01"</c>, shorter first); all other keys follow in ordinal (UTF-16 code unit) order.
/// </summary>
public sealed class KeyComparer : IComparer<string>
{
    /// <summary>The single instance.</summary>
    public static KeyComparer Instance { get; } = new();

    private KeyComparer()
    {
    }

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var xIsInt = TryParseInt32Key(x, out var xi);
        var yIsInt = TryParseInt32Key(y, out var yi);
        if (xIsInt && yIsInt)
        {
            var c = xi.CompareTo(yi);
            return c != 0 ? c : x.Length.CompareTo(y.Length) is var l && l != 0 ? l : string.CompareOrdinal(x, y);
        }

        if (xIsInt)
        {
            return -1;
        }

        if (yIsInt)
        {
            return 1;
        }

        return string.CompareOrdinal(x, y);
    }

    /// <summary>
    /// Parses a key as Firebase does for ordering: an optional <c>-</c>, any leading zeros, then 1 to 10 digits,
    /// within the 32-bit signed range.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The integer value when the key is an integer key.</param>
    public static bool TryParseInt32Key(string key, out int value)
    {
        value = 0;
        ArgumentNullException.ThrowIfNull(key);
        var start = key.Length > 0 && key[0] == '-' ? 1 : 0;
        if (key.Length == start)
        {
            return false;
        }

        var firstSignificant = -1;
        for (var i = start; i < key.Length; i++)
        {
            if (key[i] is < '0' or > '9')
            {
                return false;
            }

            if (firstSignificant < 0 && key[i] != '0')
            {
                firstSignificant = i;
            }
        }

        if (firstSignificant >= 0 && key.Length - firstSignificant > 10)
        {
            return false;
        }

        return int.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
