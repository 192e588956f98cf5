namespace RealtimeAdapters.Webhooks;

/// <summary>One event of a verified delivery: a message, a presence event, a lifecycle change or an occupancy change, on a channel.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Message">The message, for <c>channel.message</c>.</param>
/// <param name="Presence">The presence event, for <c>channel.presence</c>.</param>
/// <param name="Lifecycle">The lifecycle change, for <c>channel.lifecycle</c>.</param>
public sealed record AblyWebhookEvent(string Channel, ChannelMessage? Message, PresenceMessage? Presence, ChannelLifecycleEvent? Lifecycle)
{
    /// <summary>The occupancy change, for <c>channel.occupancy</c>.</summary>
    public ChannelOccupancyEvent? Occupancy { get; init; }
}
