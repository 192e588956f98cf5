namespace RealtimeAdapters.Emulator.Ably;

/// <summary>What a verified Ably JWT grants.</summary>
/// <param name="KeyName">The signing key's name (header <c>kid</c>).</param>
/// <param name="IssuedAt">The <c>iat</c> claim, when present.</param>
/// <param name="ExpiresAt">The <c>exp</c> claim.</param>
/// <param name="Capability">The <c>x-ably-capability</c> claim as JSON text, when present.</param>
/// <param name="ClientId">The <c>x-ably-clientId</c> claim, when present.</param>
internal sealed record AblyJwtClaims(string KeyName, DateTimeOffset? IssuedAt, DateTimeOffset ExpiresAt, string? Capability, string? ClientId);
