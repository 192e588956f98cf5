namespace RealtimeAdapters.Webhooks;

/// <summary>One attempt at delivering an event to an endpoint.</summary>
/// <param name="DeliveryId">The delivery id (the <c>webhook-id</c> idempotency key, the same on every attempt).</param>
/// <param name="Endpoint">The endpoint's URL.</param>
/// <param name="Attempt">Which attempt this was, from 1.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="StatusCode">The HTTP status, or <see langword="null"/> when no response came.</param>
/// <param name="Error">Why it failed (no secrets), or <see langword="null"/>.</param>
/// <param name="NextAttemptAt">When the next attempt is due, for <see cref="WebhookAttemptOutcome.RetryScheduled"/>.</param>
public sealed record WebhookAttempt(
    string DeliveryId,
    Uri Endpoint,
    int Attempt,
    WebhookAttemptOutcome Outcome,
    int? StatusCode,
    string? Error,
    DateTimeOffset? NextAttemptAt);
