using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Emulator.Auth;

/// <summary>
/// The HS256 JSON Web Token mechanics (RFC 7515 compact form, HMAC-SHA256) the emulator's front ends share: signing,
/// splitting, base64url decoding and a constant-time signature check. What a token must claim is each protocol's business.
/// </summary>
internal static class Hs256Jwt
{
    /// <summary>The compact token for a JSON header and payload signed with <paramref name="secret"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> headerJson, ReadOnlySpan<byte> payloadJson, ReadOnlySpan<byte> secret)
    {
        var signingInput = Base64Url.EncodeToString(headerJson) + "." + Base64Url.EncodeToString(payloadJson);
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The three parts of a compact token, or <see langword="null"/> when it does not have three.</summary>
    public static string[]? Split(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        return parts.Length == 3 ? parts : null;
    }

    /// <summary>Whether the third part is the HMAC-SHA256 of the first two under <paramref name="secret"/> (constant time).</summary>
    public static bool SignatureMatches(string[] parts, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var expected = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        return TryDecode(parts[2], out var given) && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>Decodes one base64url part; false for characters outside the alphabet or a bad length.</summary>
    public static bool TryDecode(string part, out byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(part);
        bytes = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        try
        {
            if (Base64Url.TryDecodeFromChars(part, bytes, out var written))
            {
                bytes = bytes[..written];
                return true;
            }
        }
        catch (FormatException)
        {
            // Characters outside the base64url alphabet throw rather than return false.
        }

        bytes = [];
        return false;
    }
}
