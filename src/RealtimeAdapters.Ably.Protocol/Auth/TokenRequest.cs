namespace RealtimeAdapters.Ably.Protocol.Auth;

/// <summary>A TokenRequest (TE1, protocol §2.2), signed with <see cref="Mac"/> or unsigned.</summary>
public sealed record TokenRequest
{
    /// <summary>The name (<c>appId.keyId</c>) of the key that signs the request.</summary>
    public string? KeyName { get; set; }

    /// <summary>Requested lifetime in milliseconds; absent means 60 minutes.</summary>
    public long? Ttl { get; set; }

    /// <summary>The requested capability as a canonical JSON string; absent means the key's capability.</summary>
    public string? Capability { get; set; }

    /// <summary>A client id, <c>*</c> for any, or absent.</summary>
    public string? ClientId { get; set; }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public long? Timestamp { get; set; }

    /// <summary>A unique random string, so that a signed request cannot be replayed.</summary>
    public string? Nonce { get; set; }

    /// <summary>The base64 HMAC-SHA256 over the other fields (see <see cref="TokenRequestSigner"/>).</summary>
    public string? Mac { get; set; }
}
