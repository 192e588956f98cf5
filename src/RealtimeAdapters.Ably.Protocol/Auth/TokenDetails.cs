namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>An issued token (TD1). Times are milliseconds since the Unix epoch.</summary>
public sealed record TokenDetails
{
    /// <summary>The token string (TD2) a client presents as <c>accessToken</c> or a Bearer credential.</summary>
    public string? Token { get; set; }

    /// <summary>The name of the key that issued the token.</summary>
    public string? KeyName { get; set; }

    /// <summary>When the token was issued (TD4).</summary>
    public long? Issued { get; set; }

    /// <summary>When the token expires (TD3).</summary>
    public long? Expires { get; set; }

    /// <summary>The granted capability as a canonical JSON string.</summary>
    public string? Capability { get; set; }

    /// <summary>The client id bound to the token (TD6), <c>*</c> for any, or absent.</summary>
    public string? ClientId { get; set; }
}
