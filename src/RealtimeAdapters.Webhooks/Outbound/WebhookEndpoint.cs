using System.Text;

namespace RealtimeAdapters.Webhooks;

/// <summary>An HTTP endpoint deliveries are posted to, with the secret they are signed with.</summary>
public sealed class WebhookEndpoint
{
    private readonly byte[] _secret;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="url">Where to post (http or https).</param>
    /// <param name="secret">The shared secret (its UTF-8 bytes are the HMAC key).</param>
    /// <exception cref="ArgumentException">The URL is not absolute http(s), or the secret is empty.</exception>
    public WebhookEndpoint(Uri url, string secret)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("A webhook endpoint needs an absolute http or https URL.", nameof(url));
        }

        Url = url;
        LoggedUrl = url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        _secret = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>Where deliveries are posted.</summary>
    public Uri Url { get; }

    internal ReadOnlySpan<byte> Secret => _secret;

    internal string LoggedUrl { get; }

    /// <summary>
    /// The URL without user information or query (either can carry a credential, e.g. <c>?code=</c> of a serverless
    /// function): the text form and what logs show. The secret is never part of it.
    /// </summary>
    public override string ToString() => LoggedUrl;
}
