using System.Net.Http.Headers;
using RealtimeAdapters.Ably.Auth;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>Basic authentication with an API key: nothing to renew.</summary>
internal sealed class AblyKeyCredentials(AblyApiKey key) : IAblyCredentialSource
{
    public bool CanRenew => false;

    public bool UsesTokens => false;

    public ValueTask<string> GetQueryParameterAsync(bool renew, CancellationToken cancellationToken) =>
        ValueTask.FromResult("key=" + Uri.EscapeDataString(key.ToKeyString()));

    public ValueTask<string> RenewAccessTokenAsync(CancellationToken cancellationToken) =>
        throw new RealtimeAuthenticationException("An API key cannot be renewed.") { ProviderName = AblyChannelClient.Name };

    public ValueTask<AuthenticationHeaderValue> GetHttpAuthorizationAsync(bool renew, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AuthenticationHeaderValue.Parse(key.BasicAuthorizationValue));
}
