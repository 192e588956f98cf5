using System.Security.Cryptography;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// ETags of values: the SHA-256 of the export form (priorities included, so that a priority change is a change), in
/// base64. Equal values have equal ETags however they were written.
/// </summary>
internal static class FirebaseETag
{
    public static string Of(DataNode value) => Convert.ToBase64String(SHA256.HashData(value.ToUtf8Json(export: true)));

    /// <summary>Whether an <c>if-match</c> / <c>if-none-match</c> header value names <paramref name="etag"/> (quotes and a weak prefix tolerated).</summary>
    public static bool Matches(string header, string etag)
    {
        foreach (var candidate in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var value = candidate.StartsWith("W/", StringComparison.Ordinal) ? candidate[2..] : candidate;
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            if (string.Equals(value, etag, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
