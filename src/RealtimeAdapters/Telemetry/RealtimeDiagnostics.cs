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

    /// <summary>Counter, <c>{error}</c>: failed operations and subscriptions. Tags: <see cref="ProviderTag"/>, <see cref="OperationTag"/>, <see cref="ErrorTypeTag"/>.</summary>
    public const string Errors = "realtime.errors";

    /// <summary>Tag: the provider's name (<see cref="RealtimeProviderMetadata.ProviderName"/>).</summary>
    public const string ProviderTag = "realtime.provider";

    /// <summary>Tag: the operation, e.g. <c>get</c>, <c>set</c>, <c>update</c>, <c>push</c>, <c>watch</c>, <c>publish</c>, <c>subscribe</c>.</summary>
    public const string OperationTag = "realtime.operation";

    /// <summary>Tag: the kind of a store event, e.g. <c>value</c>, <c>child_added</c>.</summary>
    public const string EventKindTag = "realtime.event.kind";

    /// <summary>Tag: the full name of the exception type of a failure (the OpenTelemetry <c>error.type</c> attribute).</summary>
    public const string ErrorTypeTag = "error.type";
}
