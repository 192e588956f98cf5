namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>An issued token (TD1). Times are milliseconds since the Unix epoch.</summary>
public sealed record TokenDetails
{
    public string? Token { get; set; }

    public string? KeyName { get; set; }

    public long? Issued { get; set; }

    public long? Expires { get; set; }

    /// <summary>The granted capability as a canonical JSON string.</summary>
    public string? Capability { get; set; }

    public string? ClientId { get; set; }
}
