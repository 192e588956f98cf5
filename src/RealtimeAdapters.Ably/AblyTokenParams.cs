namespace RealtimeAdapters.Ably;

/// <summary>
/// What a client asks for when it obtains an Ably token (TK1): passed to <see cref="AblyChannelClientOptions.AuthCallback"/>
/// and used for the TokenRequests the client signs itself with <see cref="AblyChannelClientOptions.UseTokenAuth"/>. Every
/// value is optional; the server then applies its defaults (60 minutes, the key's full capability, no client id).
/// </summary>
public sealed record AblyTokenParams
{
    /// <summary>The requested lifetime of the token; the server's default (60 minutes) when not set.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>
    /// The requested capability as a JSON string, for example <c>{"chat:*":["publish","subscribe"]}</c>; the key's
    /// capability when not set. The token gets the intersection of this and the key's capability.
    /// </summary>
    public string? Capability { get; init; }

    /// <summary>
    /// The client id the token is bound to, or <c>*</c> for a token that lets its holder choose any client id. When not set,
    /// <see cref="AblyChannelClientOptions.ClientId"/> is used.
    /// </summary>
    public string? ClientId { get; init; }
}
