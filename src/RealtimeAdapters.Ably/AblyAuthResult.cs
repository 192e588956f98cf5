using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably;

/// <summary>
/// What an <see cref="AblyChannelClientOptions.AuthCallback"/> returns: a token (an Ably token string or an Ably JWT), or a
/// TokenRequest signed by the application's backend, which the client then exchanges for a token at
/// <c>POST /keys/{keyName}/requestToken</c> without ever holding the key. Create one with <see cref="FromToken"/>,
/// <see cref="FromTokenDetailsJson"/> or <see cref="FromTokenRequestJson"/>.
/// </summary>
public sealed class AblyAuthResult
{
    private AblyAuthResult(string? token, DateTimeOffset? expires, string? clientId, TokenRequest? tokenRequest)
    {
        Token = token;
        Expires = expires;
        ClientId = clientId;
        TokenRequest = tokenRequest;
    }

    /// <summary>The token, or <see langword="null"/> when this result is a TokenRequest.</summary>
    public string? Token { get; }

    /// <summary>When the token expires, when known: given, read from a TokenDetails, or the <c>exp</c> claim of a JWT.</summary>
    public DateTimeOffset? Expires { get; }

    /// <summary>The client id the token (or TokenRequest) is bound to, when known.</summary>
    public string? ClientId { get; }

    /// <summary>Whether this result is a TokenRequest the client still has to exchange for a token.</summary>
    public bool IsTokenRequest => TokenRequest is not null;

    internal TokenRequest? TokenRequest { get; }

    /// <summary>A token string or an Ably JWT. For a JWT the expiry and client id are read from its claims when not given.</summary>
    /// <param name="token">The token.</param>
    /// <param name="expires">When the token expires, if known; lets the client renew it before the server refuses it.</param>
    /// <returns>The result.</returns>
    /// <exception cref="RealtimeValidationException">The token is empty, too long, or contains white space or control characters.</exception>
    public static AblyAuthResult FromToken(string token, DateTimeOffset? expires = null)
    {
        if (!AblyTokenInspector.IsWellFormed(token))
        {
            throw Invalid("Invalid Ably token: it must be a non-empty string without white space or control characters, at most 16 KiB long.", "token");
        }

        var (jwtExpires, jwtClientId) = AblyTokenInspector.ReadJwtClaims(token);
        return new AblyAuthResult(token, expires ?? jwtExpires, jwtClientId, null);
    }

    /// <summary>
    /// A TokenDetails JSON object as Ably's <c>requestToken</c> returns it (<c>{"token":…,"expires":…,"clientId":…}</c>), for
    /// a backend that requests the token itself and passes the reply on.
    /// </summary>
    /// <param name="json">The TokenDetails JSON.</param>
    /// <returns>The result.</returns>
    /// <exception cref="RealtimeValidationException">The text is not a TokenDetails object with a well-formed <c>token</c>.</exception>
    public static AblyAuthResult FromTokenDetailsJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TokenDetails details;
        try
        {
            details = AblyCodec.DecodeTokenDetails(System.Text.Encoding.UTF8.GetBytes(json), WireFormat.Json);
        }
        catch (AblyProtocolException ex)
        {
            throw Invalid("Invalid Ably TokenDetails JSON: " + ex.Error.Message, "json", ex);
        }

        if (!AblyTokenInspector.IsWellFormed(details.Token))
        {
            throw Invalid("Invalid Ably TokenDetails JSON: it has no well-formed \"token\".", "json");
        }

        var (jwtExpires, jwtClientId) = AblyTokenInspector.ReadJwtClaims(details.Token!);
        DateTimeOffset? expires = details.Expires is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : jwtExpires;
        return new AblyAuthResult(details.Token, expires, details.ClientId ?? jwtClientId, null);
    }

    /// <summary>
    /// A TokenRequest signed by the application's backend (with the key's secret, which stays on the backend), as JSON:
    /// <c>{"keyName":…,"ttl":…,"capability":…,"clientId":…,"timestamp":…,"nonce":…,"mac":…}</c>. The client exchanges it at
    /// <c>POST /keys/{keyName}/requestToken</c>; the server refuses it when its timestamp is more than 2 minutes off or its
    /// nonce was used before, so create a fresh one for every call.
    /// </summary>
    /// <param name="json">The signed TokenRequest JSON.</param>
    /// <returns>The result.</returns>
    /// <exception cref="RealtimeValidationException">The text is not a TokenRequest, or it has no <c>keyName</c> or no <c>mac</c>.</exception>
    public static AblyAuthResult FromTokenRequestJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        TokenRequest request;
        try
        {
            request = AblyCodec.DecodeTokenRequest(System.Text.Encoding.UTF8.GetBytes(json), WireFormat.Json);
        }
        catch (AblyProtocolException ex)
        {
            throw Invalid("Invalid Ably TokenRequest JSON: " + ex.Error.Message, "json", ex);
        }

        if (string.IsNullOrEmpty(request.KeyName))
        {
            throw Invalid("Invalid Ably TokenRequest JSON: \"keyName\" is missing.", "keyName");
        }

        if (string.IsNullOrEmpty(request.Mac))
        {
            throw Invalid("Invalid Ably TokenRequest JSON: it is not signed (no \"mac\"); the client cannot sign it without the key.", "mac");
        }

        return new AblyAuthResult(null, null, string.IsNullOrEmpty(request.ClientId) ? null : request.ClientId, request);
    }

    /// <summary>The kind of result and its expiry; never the token itself.</summary>
    /// <returns>A description without secrets.</returns>
    public override string ToString() => IsTokenRequest
        ? "AblyAuthResult(TokenRequest for " + TokenRequest!.KeyName + ")"
        : "AblyAuthResult(token ***" + (Expires is { } e ? ", expires " + e.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : string.Empty) + ")";

    private static RealtimeValidationException Invalid(string message, string field, Exception? inner = null) =>
        inner is null
            ? new RealtimeValidationException(message, field) { ProviderName = "Ably" }
            : new RealtimeValidationException(message, inner) { InvalidValue = field, ProviderName = "Ably" };
}
