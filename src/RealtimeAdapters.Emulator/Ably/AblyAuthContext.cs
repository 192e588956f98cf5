using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>Who a request or connection is: the key it derives from, its capability, client id and expiry.</summary>
/// <param name="KeyName">The key the credentials belong to.</param>
/// <param name="Capability">What it may do.</param>
/// <param name="ClientId"><see langword="null"/> (anonymous), a concrete client id, or <c>*</c> (any).</param>
/// <param name="Expires">When a token expires; <see langword="null"/> for key (Basic) auth.</param>
/// <param name="IsKey">Whether the credentials are the key itself rather than a token.</param>
internal sealed record AblyAuthContext(string KeyName, AblyCapability Capability, string? ClientId, DateTimeOffset? Expires, bool IsKey)
{
    /// <summary>The client id the hub should enforce: a concrete id, or <see langword="null"/> when any id is allowed.</summary>
    public string? EnforcedClientId => ClientId is null or "*" ? null : ClientId;
}
