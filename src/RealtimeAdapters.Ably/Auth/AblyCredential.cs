using System.Net.Http.Headers;

namespace RealtimeAdapters.Ably.Auth;

/// <summary>
/// The credentials of one connection attempt or REST request, as the transport needs them.
/// </summary>
/// <param name="QueryParameter">The WebSocket URL parameter, escaped: <c>key=…</c> (Basic) or <c>access_token=…</c>.</param>
/// <param name="Authorization">The REST <c>Authorization</c> header: <c>Basic base64(key)</c> or <c>Bearer base64(token)</c>.</param>
/// <param name="AccessToken">The token itself (for the <c>auth.accessToken</c> of an AUTH message, RTN22), or <see langword="null"/> with Basic auth.</param>
/// <param name="Expires">When the token expires, when known; <see langword="null"/> with Basic auth or for an opaque token of unknown lifetime.</param>
/// <param name="ClientId">The client id the token is bound to (<c>*</c> = any), when known; with Basic auth the configured client id.</param>
internal sealed record AblyCredential(string QueryParameter, AuthenticationHeaderValue Authorization, string? AccessToken, DateTimeOffset? Expires, string? ClientId)
{
    /// <summary>Whether this is a token rather than the key.</summary>
    public bool IsToken => AccessToken is not null;

    /// <summary>No secret: the kind and expiry only.</summary>
    public override string ToString() => IsToken
        ? "AblyCredential(token" + (Expires is { } e ? ", expires " + e.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : string.Empty) + ")"
        : "AblyCredential(key)";
}
