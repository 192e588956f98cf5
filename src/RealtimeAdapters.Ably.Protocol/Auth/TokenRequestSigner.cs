using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>
/// Signs and checks TokenRequests (RSA9, protocol §2.2): the MAC is base64(HMAC-SHA256(secret, keyName\n ttl\n
/// capability\n clientId\n timestamp\n nonce\n)), absent fields as empty strings.
/// </summary>
public static class TokenRequestSigner
{
    /// <summary>The text the MAC is computed over.</summary>
    internal static string GetSignedText(TokenRequest request)
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

    /// <summary>The base64 HMAC-SHA256 of the request's fields, keyed with <paramref name="keySecret"/> (what <see cref="TokenRequest.Mac"/> must equal).</summary>
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

    /// <summary>16 random alphanumeric characters.</summary>
    internal static string CreateNonce() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16);
}
