using System.Net.Http.Headers;
using RealtimeAdapters.Ably.Auth;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>The connection's and the REST calls' view of an <see cref="AblyAuthorizer"/>.</summary>
internal sealed class AblyAuthorizerCredentials(AblyAuthorizer authorizer) : IAblyCredentialSource
{
    public bool CanRenew => authorizer.CanRenew;

    public bool UsesTokens => authorizer.UsesTokens;

    public async ValueTask<string> GetQueryParameterAsync(bool renew, CancellationToken cancellationToken) =>
        (await authorizer.GetCredentialAsync(renew, cancellationToken).ConfigureAwait(false)).QueryParameter;

    public async ValueTask<string> RenewAccessTokenAsync(CancellationToken cancellationToken) =>
        (await authorizer.GetCredentialAsync(renew: true, cancellationToken).ConfigureAwait(false)).AccessToken
        ?? throw new RealtimeAuthenticationException("The renewed credential is not a token.") { ProviderName = AblyChannelClient.Name };

    public async ValueTask<AuthenticationHeaderValue> GetHttpAuthorizationAsync(bool renew, CancellationToken cancellationToken) =>
        (await authorizer.GetCredentialAsync(renew, cancellationToken).ConfigureAwait(false)).Authorization;
}
