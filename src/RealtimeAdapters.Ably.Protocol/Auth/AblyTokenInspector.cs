using System.Buffers.Text;
using System.Text.Json;

namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>
/// Reads what a client may know of a token without the key: the <c>exp</c> and <c>x-ably-clientId</c> claims of an Ably JWT
/// (unverified; the server verifies) and whether a token string can travel in a header or query at all.
/// </summary>
public static class AblyTokenInspector
{
    /// <summary>Longer tokens are refused unread.</summary>
    internal const int MaxTokenLength = 16 * 1024;

    /// <summary>Whether <paramref name="token"/> has the shape of a JWT (three base64url parts, a JSON header).</summary>
    public static bool LooksLikeJwt(string? token) =>
        token is { Length: > 0 and <= MaxTokenLength } && token.StartsWith("eyJ", StringComparison.Ordinal) && token.Count(static c => c == '.') == 2;

    /// <summary>Whether <paramref name="token"/> is non-empty, not too long and free of white space and control characters.</summary>
    public static bool IsWellFormed(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The expiry and client id claimed by a JWT; both <see langword="null"/> for an opaque token or a JWT whose payload cannot
    /// be read (the server reports that one).
    /// </summary>
    public static (DateTimeOffset? Expires, string? ClientId) ReadJwtClaims(string token)
    {
        if (!LooksLikeJwt(token))
        {
            return (null, null);
        }

        var payload = token.Split('.')[1];
        var bytes = new byte[Base64Url.GetMaxDecodedLength(payload.Length)];
        try
        {
            if (!Base64Url.TryDecodeFromChars(payload, bytes, out var written))
            {
                return (null, null);
            }

            using var document = JsonDocument.Parse(bytes.AsMemory(0, written), new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            DateTimeOffset? expires = null;
            if (root.TryGetProperty("exp"u8, out var exp) && exp.ValueKind == JsonValueKind.Number && exp.TryGetDouble(out var seconds) &&
                double.IsFinite(seconds) && seconds is >= 0 and <= 253_402_300_799)
            {
                expires = DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000));
            }

            string? clientId = root.TryGetProperty("x-ably-clientId"u8, out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            return (expires, clientId);
        }
        catch (FormatException)
        {
            return (null, null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
