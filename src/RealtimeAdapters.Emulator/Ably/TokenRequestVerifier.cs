using System.Security.Cryptography;
using System.Text;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// Checks a signed TokenRequest as the server does (protocol §2.1): key name, nonce, timestamp window and the MAC
/// (<see cref="TokenRequestSigner"/> computes it; a client signs, only the server verifies).
/// </summary>
internal static class TokenRequestVerifier
{
    /// <summary>Whether the request's MAC matches, compared in constant time.</summary>
    public static bool VerifyMac(TokenRequest request, string keySecret)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Mac is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(TokenRequestSigner.ComputeMac(request, keySecret));
        var actual = Encoding.UTF8.GetBytes(request.Mac);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>How far a signed request's timestamp may be from the server's clock.</summary>
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The server-side checks of a signed request that need no state: the key name, the MAC (40101) and the timestamp
    /// window (40104). Nonce replay (40105) needs the server's memory of recent nonces.
    /// </summary>
    /// <exception cref="AblyProtocolException">The request fails a check.</exception>
    public static void ValidateSigned(TokenRequest request, AblyApiKey key, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        if (!string.Equals(request.KeyName, key.KeyName, StringComparison.Ordinal))
        {
            throw Fail(AblyErrorCodes.InvalidCredential, "The token request's keyName does not match the key.");
        }

        if (request.Nonce is not { Length: >= 16 })
        {
            throw Fail(AblyErrorCodes.InvalidParameter, "The token request's nonce must have at least 16 characters.");
        }

        if (request.Timestamp is not { } timestamp)
        {
            throw Fail(AblyErrorCodes.InvalidParameter, "The token request has no timestamp.");
        }

        if (!VerifyMac(request, key.Secret))
        {
            throw Fail(AblyErrorCodes.InvalidCredential, "The token request's MAC is invalid.");
        }

        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() - timestamp);
        if (skew > (long)TimestampWindow.TotalMilliseconds)
        {
            throw Fail(AblyErrorCodes.TimestampOutOfWindow, "The token request's timestamp is outside the permitted window of 2 minutes.");
        }
    }

    private static AblyProtocolException Fail(int code, string message) => new(ErrorInfo.Create(code, message));
}
