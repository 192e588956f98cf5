using System.Text;
using System.Text.Json;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably;

/// <summary>
/// The auth-server side of Ably token authentication: a server that holds the API key signs TokenRequests for its
/// clients (browsers, devices), which exchange them for tokens with Ably (the client SDKs' <c>authUrl</c> or
/// <c>authCallback</c>, or <see cref="AblyChannelClientOptions.AuthUrl"/>). The key's secret never leaves the server; the
/// request binds the client id and the capability the server grants.
/// </summary>
public static class AblyTokenRequests
{
    /// <summary>Creates a signed TokenRequest, as the JSON an <c>authUrl</c> endpoint returns.</summary>
    /// <param name="apiKey">The API key (<c>appId.keyId:secret</c>).</param>
    /// <param name="tokenParams">The client id, capability (a JSON capability object) and lifetime to grant; the key's capability and 60 minutes when omitted.</param>
    /// <param name="timeProvider">The clock of the request's timestamp; the system clock when omitted.</param>
    /// <returns>The TokenRequest JSON (<c>keyName</c>, <c>ttl</c>, <c>capability</c>, <c>clientId</c>, <c>timestamp</c>, <c>nonce</c>, <c>mac</c>).</returns>
    /// <exception cref="RealtimeAuthenticationException">The key is malformed (40005; the message does not quote it).</exception>
    /// <exception cref="RealtimeValidationException">The capability is not a valid capability object (40000).</exception>
    public static string CreateSignedJson(string apiKey, AblyTokenParams? tokenParams = null, TimeProvider? timeProvider = null)
    {
        var key = AblyApiKey.Parse(apiKey);
        TokenRequest request;
        try
        {
            request = TokenRequestSigner.CreateSigned(
                key,
                timeProvider ?? TimeProvider.System,
                tokenParams?.Ttl is { } ttl ? (long)ttl.TotalMilliseconds : null,
                tokenParams?.Capability,
                tokenParams?.ClientId);
        }
        catch (AblyProtocolException ex)
        {
            throw new RealtimeValidationException(ex.Message, nameof(AblyTokenParams.Capability)) { ErrorCode = ex.ErrorCode, StatusCode = 400 };
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonWire.WriteTokenRequest(writer, request);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
