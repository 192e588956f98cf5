using System.Globalization;
using System.Text;

namespace RealtimeAdapters.InMemory;

/// <summary>Formatting of user input inside error messages.</summary>
internal static class StoreText
{
    /// <summary>The text with control characters escaped and long values shortened, safe to quote in a message.</summary>
    public static string Printable(string? text)
    {
        if (text is null)
        {
            return "(null)";
        }

        var shown = text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
        var sb = new StringBuilder(shown.Length);
        foreach (var c in shown)
        {
            _ = c < 0x20 || c == 0x7F ? sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : sb.Append(c);
        }

        return sb.ToString();
    }
}
