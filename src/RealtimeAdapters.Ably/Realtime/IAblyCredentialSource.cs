using System.Net.Http.Headers;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>Where the realtime connection and the REST calls get their credentials: an API key, or tokens that can be renewed.</summary>
internal interface IAblyCredentialSource
{
    /// <summary>Whether a new token can be obtained (token errors are then retried once with a fresh token).</summary>
    bool CanRenew { get; }

    /// <summary>Whether the credential is a token (a server AUTH can then be answered with a new one).</summary>
    bool UsesTokens { get; }

    /// <summary>The WebSocket query parameter, escaped: <c>key=…</c> or <c>access_token=…</c>.</summary>
    /// <param name="renew">Obtain a new token even if the cached one has not expired.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask<string> GetQueryParameterAsync(bool renew, CancellationToken cancellationToken);

    /// <summary>A new token for an AUTH message (RTN22).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask<string> RenewAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>The Authorization header of a REST request.</summary>
    /// <param name="renew">Obtain a new token even if the cached one has not expired.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask<AuthenticationHeaderValue> GetHttpAuthorizationAsync(bool renew, CancellationToken cancellationToken);
}
