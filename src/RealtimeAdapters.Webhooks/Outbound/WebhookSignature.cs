using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Webhooks;

/// <summary>
/// The signature of outbound deliveries, in the Standard Webhooks layout: headers <c>webhook-id</c> (the idempotency
/// key), <c>webhook-timestamp</c> (Unix seconds) and <c>webhook-signature</c> (<c>v1,</c> + base64 HMAC-SHA256 of
/// <c>{id}.{timestamp}.{body}</c>). The timestamp is inside the MAC, so a receiver can refuse an old delivery replayed.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the delivery id (stable across retries: the idempotency key).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header carrying the send time, Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header carrying the signature(s): <c>v1,BASE64</c>, space-separated when several.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>Signs a delivery.</summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="id">The delivery id.</param>
    /// <param name="timestamp">The send time.</param>
    /// <param name="body">The body, as sent.</param>
    /// <returns>The <c>webhook-signature</c> header value.</returns>
    public static string Sign(ReadOnlySpan<byte> secret, string id, DateTimeOffset timestamp, ReadOnlySpan<byte> body) =>
        "v1," + Convert.ToBase64String(Mac(secret, id, timestamp.ToUnixTimeSeconds(), body));

    /// <summary>
    /// Verifies a delivery: a signature matches (compared in constant time) and the timestamp is within
    /// <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    /// <param name="secret">The shared secret.</param>
    /// <param name="id">The <c>webhook-id</c> header.</param>
    /// <param name="timestamp">The <c>webhook-timestamp</c> header.</param>
    /// <param name="signature">The <c>webhook-signature</c> header.</param>
    /// <param name="body">The raw body.</param>
    /// <param name="now">The receiver's clock.</param>
    /// <param name="tolerance">How far the timestamp may be from <paramref name="now"/>.</param>
    /// <returns>The outcome; <see cref="WebhookVerification.Valid"/> when the delivery may be processed.</returns>
    public static WebhookVerification Verify(
        ReadOnlySpan<byte> secret, string? id, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerification.Unsigned;
        }

        if (!long.TryParse(timestamp, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.Malformed;
        }

        var expected = Mac(secret, id, seconds, body);
        var matched = false;
        foreach (var part in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1,", StringComparison.Ordinal))
            {
                continue;
            }

            var given = new byte[32];
            if (Convert.TryFromBase64String(part[3..], given, out var written) && written == 32 &&
                CryptographicOperations.FixedTimeEquals(given, expected))
            {
                matched = true;
            }
        }

        if (!matched)
        {
            return WebhookVerification.BadSignature;
        }

        // Checked after the MAC so that an unauthenticated sender learns nothing about our clock.
        var age = now.ToUnixTimeSeconds() - seconds;
        return Math.Abs(age) > tolerance.TotalSeconds ? WebhookVerification.Stale : WebhookVerification.Valid;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, string id, long seconds, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.UTF8.GetBytes(id + "." + seconds.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
