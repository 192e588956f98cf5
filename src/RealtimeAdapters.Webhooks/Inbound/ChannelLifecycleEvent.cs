namespace RealtimeAdapters.Webhooks;

/// <summary>A channel became active (<c>channel.opened</c>) or inactive (<c>channel.closed</c>).</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="Name">The event name: <c>channel.opened</c> or <c>channel.closed</c>.</param>
/// <param name="Timestamp">When it happened.</param>
public sealed record ChannelLifecycleEvent(string Channel, string Name, DateTimeOffset? Timestamp)
{
    /// <summary>Whether the channel became active.</summary>
    public bool IsOpened => Name == "channel.opened";
}
