namespace RealtimeAdapters.Webhooks;

/// <summary>A delivery that failed for good; <see cref="WebhookDispatcher.Redeliver"/> tries it again.</summary>
/// <param name="DeliveryId">The delivery id (idempotency key).</param>
/// <param name="EventType">The event type, e.g. <c>channel.message</c>.</param>
/// <param name="Endpoint">The endpoint that refused or could not be reached.</param>
/// <param name="Body">The body as it was posted.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="LastStatusCode">The last HTTP status, or <see langword="null"/> when no response came.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="DeadLetteredAt">When it was given up.</param>
public sealed record WebhookDeadLetter(
    string DeliveryId,
    string EventType,
    Uri Endpoint,
    ReadOnlyMemory<byte> Body,
    int Attempts,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset DeadLetteredAt);
