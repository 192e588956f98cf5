using System.Globalization;
using System.Text;

namespace RealtimeAdapters;

/// <summary>
/// Validation of keys (single path segments) by the Firebase Realtime Database rules: non-empty UTF-8,
/// at most <see cref="MaxKeyBytes"/> bytes, none of <c>. $ # [ ] /</c> and no control characters
/// (U+0000–U+001F, U+007F).
/// </summary>
public static class RealtimeKeys
{
    /// <summary>The largest key, in UTF-8 bytes.</summary>
    public const int MaxKeyBytes = 768;

    /// <summary>Returns <see langword="true"/> when <paramref name="key"/> is a valid key.</summary>
    /// <param name="key">The candidate key.</param>
    public static bool IsValid(string? key) => GetProblem(key) is null;

    /// <summary>Throws <see cref="RealtimeValidationException"/> naming the key when it is not valid.</summary>
    /// <param name="key">The candidate key.</param>
    /// <exception cref="RealtimeValidationException">The key is empty, too long or holds a forbidden character.</exception>
    public static void Validate(string? key)
    {
        var problem = GetProblem(key);
        if (problem is not null)
        {
            throw new RealtimeValidationException(problem, key);
        }
    }

    /// <summary>Describes why <paramref name="key"/> is not a valid key, or returns <see langword="null"/> when it is.</summary>
    /// <param name="key">The candidate key.</param>
    public static string? GetProblem(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "Invalid key \"\": keys must be non-empty.";
        }

        foreach (var c in key)
        {
            if (c is '.' or '$' or '#' or '[' or ']' or '/' || c < 0x20 || c == 0x7F)
            {
                return $"Invalid key \"{Printable(key)}\": keys must not contain '.', '$', '#', '[', ']', '/' or control characters (found {Describe(c)}).";
            }
        }

        if (key.Length * 3 > MaxKeyBytes && Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
        {
            return $"Invalid key \"{Truncate(key)}\": keys must be at most {MaxKeyBytes} UTF-8 bytes (got {Encoding.UTF8.GetByteCount(key)}).";
        }

        return null;
    }

    internal static string Describe(char c) => c < 0x20 || c == 0x7F ? $"U+{(int)c:X4}" : $"'{c}'";

    internal static string Printable(string s)
    {
        var sb = new StringBuilder(Math.Min(s.Length, 80));
        foreach (var c in Truncate(s))
        {
            _ = c < 0x20 || c == 0x7F ? sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : sb.Append(c);
        }

        return sb.ToString();
    }

    internal static string Truncate(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 61), "...");
}
