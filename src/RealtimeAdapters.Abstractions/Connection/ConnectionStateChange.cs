namespace RealtimeAdapters;

/// <summary>A transition of a connection's state.</summary>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state now.</param>
/// <param name="Reason">Why the change happened, when it was caused by an error.</param>
/// <param name="RetryAt">When the next connection attempt is due, for <see cref="ConnectionState.Disconnected"/> and <see cref="ConnectionState.Suspended"/>.</param>
public sealed record ConnectionStateChange(
    ConnectionState Previous,
    ConnectionState Current,
    RealtimeException? Reason = null,
    DateTimeOffset? RetryAt = null);
