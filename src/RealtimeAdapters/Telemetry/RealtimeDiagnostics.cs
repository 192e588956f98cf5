namespace RealtimeAdapters;

/// <summary>
/// The names RealtimeAdapters reports telemetry under (enable it with <c>AddRealtime().UseTelemetry()</c>). Subscribe to
/// <see cref="Name"/> as a meter and as an activity source, e.g. <c>AddMeter("RealtimeAdapters")</c> and
/// <c>AddSource("RealtimeAdapters")</c> in OpenTelemetry.
/// </summary>
public static class RealtimeDiagnostics
{
    /// <summary>The name of the meter, of the activity source and of the logger category: <c>RealtimeAdapters</c>.</summary>
    public const string Name = "RealtimeAdapters";

    /// <summary>Histogram, seconds: duration of a store operation. Tags: <see cref="ProviderTag"/>, <see cref="OperationTag"/>, <see cref="ErrorTypeTag"/> on failure.</summary>
    public const string StoreOperationDuration = "realtime.store.operation.duration";

    /// <summary>Counter, <c>{event}</c>: store watch events read by subscribers. Tags: <see cref="ProviderTag"/>, <see cref="EventKindTag"/>.</summary>
    public const string StoreEvents = "realtime.store.events";

    /// <summary>Histogram, seconds: duration of a channel publish, until the backend accepted it. Tags: <see cref="ProviderTag"/>, <see cref="ErrorTypeTag"/> on failure.</summary>
    public const string ChannelPublishDuration = "realtime.channel.publish.duration";

    /// <summary>Counter, <c>{message}</c>: channel messages accepted by the backend. Tags: <see cref="ProviderTag"/>.</summary>
    public const string ChannelMessagesPublished = "realtime.channel.messages.published";

    /// <summary>Counter, <c>{message}</c>: channel messages read by subscribers. Tags: <see cref="ProviderTag"/>.</summary>
    public const string ChannelMessagesReceived = "realtime.channel.messages.received";

    /// <summary>Histogram, seconds: from the backend's timestamp of a message to its reading by a subscriber. Tags: <see cref="ProviderTag"/>.</summary>
    public const string ChannelDeliveryLatency = "realtime.channel.delivery.latency";

    /// <summary>
    /// Histogram, seconds: from the start of a write through a store (set, update, push, priority, transaction) to the
    /// reading of the first event of one of that store's watches at an overlapping path — how long this client's own
    /// listeners take to see its write (the local raise with latency compensation, the server's echo without). Writes
    /// nobody here watches are not measured (forgotten after a minute); a change by another client at the same path in
    /// the meantime is taken for the write's. Tags: <see cref="ProviderTag"/>, <see cref="OperationTag"/>.
    /// </summary>
    public const string StoreWriteLatency = "realtime.store.write.latency";

    /// <summary>Counter, <c>{error}</c>: failed operations and subscriptions. Tags: <see cref="ProviderTag"/>, <see cref="OperationTag"/>, <see cref="ErrorTypeTag"/>.</summary>
    public const string Errors = "realtime.errors";

    /// <summary>
    /// Histogram, seconds: duration of a channel operation other than a publish — history (<c>history</c>), presence
    /// (<c>presence_enter</c>, <c>presence_update</c>, <c>presence_leave</c>, <c>presence_get</c>, <c>presence_history</c>)
    /// and provider-specific operations reached through <c>GetService</c> helpers (e.g. Ably's <c>detach</c>). Tags:
    /// <see cref="ProviderTag"/>, <see cref="OperationTag"/>, <see cref="ErrorTypeTag"/> on failure.
    /// </summary>
    public const string ChannelOperationDuration = "realtime.channel.operation.duration";

    /// <summary>Counter, <c>{event}</c>: presence events read by subscribers. Tags: <see cref="ProviderTag"/>, <see cref="PresenceActionTag"/>.</summary>
    public const string ChannelPresenceEvents = "realtime.channel.presence.events";

    /// <summary>
    /// UpDownCounter, <c>{connection}</c>: connections currently in the <see cref="ConnectionState.Connected"/> state (one
    /// per store or channel client). Tags: <see cref="ProviderTag"/>.
    /// </summary>
    public const string ConnectionsActive = "realtime.connections.active";

    /// <summary>Counter, <c>{transition}</c>: connection state changes (churn). Tags: <see cref="ProviderTag"/>, <see cref="ConnectionStateTag"/> (the new state).</summary>
    public const string ConnectionTransitions = "realtime.connection.transitions";

    /// <summary>Counter, <c>{reconnect}</c>: returns to <see cref="ConnectionState.Connected"/> after the connection was lost. Tags: <see cref="ProviderTag"/>.</summary>
    public const string ConnectionReconnects = "realtime.connection.reconnects";

    /// <summary>
    /// UpDownCounter, <c>{operation}</c>: operations started and not yet completed — publishes waiting for the backend's
    /// acknowledgement (queued while disconnected included), store writes, presence calls. Tags: <see cref="ProviderTag"/>, <see cref="OperationTag"/>.
    /// </summary>
    public const string OperationsPending = "realtime.operations.pending";

    /// <summary>
    /// Gauge, <c>{event}</c>: events buffered in subscriptions (messages, presence events, store events) and not yet read by
    /// their subscribers; a growing value is a slow consumer. Tags: <see cref="ProviderTag"/>.
    /// </summary>
    public const string SubscriptionsBuffered = "realtime.subscriptions.buffered";

    /// <summary>Tag: the provider's name (<see cref="RealtimeProviderMetadata.ProviderName"/>).</summary>
    public const string ProviderTag = "realtime.provider";

    /// <summary>Tag: the operation, e.g. <c>get</c>, <c>set</c>, <c>update</c>, <c>push</c>, <c>watch</c>, <c>publish</c>, <c>subscribe</c>.</summary>
    public const string OperationTag = "realtime.operation";

    /// <summary>Tag: the kind of a store event, e.g. <c>value</c>, <c>child_added</c>.</summary>
    public const string EventKindTag = "realtime.event.kind";

    /// <summary>Tag: the action of a presence event, e.g. <c>enter</c>, <c>present</c>, <c>leave</c>.</summary>
    public const string PresenceActionTag = "realtime.presence.action";

    /// <summary>Tag: a connection state, lower case, e.g. <c>connected</c>, <c>disconnected</c>, <c>suspended</c>.</summary>
    public const string ConnectionStateTag = "realtime.connection.state";

    /// <summary>Tag: the full name of the exception type of a failure (the OpenTelemetry <c>error.type</c> attribute).</summary>
    public const string ErrorTypeTag = "error.type";
}
