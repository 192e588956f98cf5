namespace RealtimeAdapters.Webhooks;

/// <summary>
/// Where a <see cref="WebhookDispatcher"/> keeps its deliveries so that they outlive the process: each delivery is
/// recorded (once per endpoint) before <see cref="WebhookDispatcher.Enqueue"/> returns, removed once delivered, and moved
/// to the dead letters when given up. A dispatcher created over an outbox that holds pending deliveries sends them
/// again (at least once: a delivery that reached its endpoint just before a crash is sent twice, with the same
/// idempotency key). <see cref="SqliteWebhookOutbox"/> is the durable implementation; without an outbox
/// (<see cref="WebhookDispatcherOptions.Outbox"/> null) deliveries live in memory only.
/// </summary>
/// <remarks>Calls come from the enqueuing thread and from the dispatcher's workers: implementations must be thread-safe.</remarks>
public interface IWebhookOutbox
{
    /// <summary>Records deliveries (one per endpoint of one event), all or none.</summary>
    /// <param name="entries">The deliveries.</param>
    void Add(IReadOnlyList<WebhookOutboxEntry> entries);

    /// <summary>The deliveries not yet delivered nor given up, in the order they were added.</summary>
    /// <returns>The pending deliveries.</returns>
    IReadOnlyList<WebhookOutboxEntry> GetPending();

    /// <summary>Removes a delivered delivery.</summary>
    /// <param name="deliveryId">The delivery id.</param>
    /// <param name="endpoint">The endpoint it reached.</param>
    void Remove(string deliveryId, Uri endpoint);

    /// <summary>Moves a pending delivery to the dead letters.</summary>
    /// <param name="deadLetter">The delivery given up, with why.</param>
    void MoveToDeadLetters(WebhookDeadLetter deadLetter);

    /// <summary>The dead letters, oldest first.</summary>
    /// <returns>The dead letters.</returns>
    IReadOnlyList<WebhookDeadLetter> GetDeadLetters();

    /// <summary>Moves a dead letter back to the pending deliveries.</summary>
    /// <param name="deadLetter">The dead letter.</param>
    /// <returns><see langword="false"/> when it is not a dead letter (any more).</returns>
    bool MoveToPending(WebhookDeadLetter deadLetter);
}

/// <summary>A delivery of one event to one endpoint, as an <see cref="IWebhookOutbox"/> keeps it.</summary>
/// <param name="DeliveryId">The delivery id (idempotency key).</param>
/// <param name="EventType">The event type, e.g. <c>channel.message</c>.</param>
/// <param name="Endpoint">The endpoint's URL.</param>
/// <param name="Body">The body to post.</param>
public sealed record WebhookOutboxEntry(string DeliveryId, string EventType, Uri Endpoint, ReadOnlyMemory<byte> Body);
