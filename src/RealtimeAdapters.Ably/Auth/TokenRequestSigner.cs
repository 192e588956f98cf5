using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Ably.Auth;

/// <summary>
/// Signs and checks TokenRequests (RSA9, protocol §2.2): the MAC is base64(HMAC-SHA256(secret, keyName\n ttl\n
/// capability\n clientId\n timestamp\n nonce\n)), absent fields as empty strings.
/// </summary>
internal static class TokenRequestSigner
{
    /// <summary>The text the MAC is computed over.</summary>
    public static string GetSignedText(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sb = new StringBuilder(128);
        sb.Append(request.KeyName).Append('\n')
            .Append(request.Ttl?.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(request.Capability).Append('\n')
            .Append(request.ClientId).Append('\n')
            .Append(request.Timestamp?.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(request.Nonce).Append('\n');
        return sb.ToString();
    }

    public static string ComputeMac(TokenRequest request, string keySecret)
    {
        ArgumentNullException.ThrowIfNull(keySecret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(keySecret), Encoding.UTF8.GetBytes(GetSignedText(request)));
        return Convert.ToBase64String(mac);
    }

    /// <summary>
    /// Builds a signed TokenRequest for <paramref name="key"/>: a fresh 16-character nonce, the current time, and the
    /// capability in canonical form.
    /// </summary>
    public static TokenRequest CreateSigned(AblyApiKey key, TimeProvider time, long? ttlMilliseconds = null, string? capability = null, string? clientId = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        var request = new TokenRequest
        {
            KeyName = key.KeyName,
            Ttl = ttlMilliseconds,
            Capability = capability is null ? null : AblyCapability.Parse(capability).ToJson(),
            ClientId = clientId,
            Timestamp = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Nonce = CreateNonce(),
        };
        request.Mac = ComputeMac(request, key.Secret);
        return request;
    }

    /// <summary>Whether the request's MAC matches, compared in constant time.</summary>
    public static bool VerifyMac(TokenRequest request, string keySecret)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Mac is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(ComputeMac(request, keySecret));
        var actual = Encoding.UTF8.GetBytes(request.Mac);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>How far a signed request's timestamp may be from the server's clock.</summary>
    public static readonly TimeSpan TimestampWindow = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The server-side checks of a signed request that need no state: the key name, the MAC (40101) and the timestamp
    /// window (40104). Nonce replay (40105) needs the server's memory of recent nonces.
    /// </summary>
    /// <exception cref="Protocol.AblyProtocolException">The request fails a check.</exception>
    public static void ValidateSigned(TokenRequest request, AblyApiKey key, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        if (!string.Equals(request.KeyName, key.KeyName, StringComparison.Ordinal))
        {
            throw Fail(Protocol.AblyErrorCodes.InvalidCredential, "The token request's keyName does not match the key.");
        }

        if (request.Nonce is not { Length: >= 16 })
        {
            throw Fail(Protocol.AblyErrorCodes.InvalidParameter, "The token request's nonce must have at least 16 characters.");
        }

        if (request.Timestamp is not { } timestamp)
        {
            throw Fail(Protocol.AblyErrorCodes.InvalidParameter, "The token request has no timestamp.");
        }

        if (!VerifyMac(request, key.Secret))
        {
            throw Fail(Protocol.AblyErrorCodes.InvalidCredential, "The token request's MAC is invalid.");
        }

        var skew = Math.Abs(time.GetUtcNow().ToUnixTimeMilliseconds() - timestamp);
        if (skew > (long)TimestampWindow.TotalMilliseconds)
        {
            throw Fail(Protocol.AblyErrorCodes.TimestampOutOfWindow, "The token request's timestamp is outside the permitted window of 2 minutes.");
        }
    }

    private static Protocol.AblyProtocolException Fail(int code, string message) => new(Protocol.ErrorInfo.Create(code, message));

    /// <summary>16 random alphanumeric characters.</summary>
    public static string CreateNonce() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16);
}
