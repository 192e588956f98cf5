namespace RealtimeAdapters;

/// <summary>Options of a channel subscription.</summary>
public sealed record ChannelSubscriptionOptions
{
    /// <summary>The defaults: every event, the default buffer.</summary>
    public static ChannelSubscriptionOptions Default { get; } = new();

    /// <summary>The event names to deliver (exact, case-sensitive match), or <see langword="null"/> for all messages.</summary>
    public IReadOnlyCollection<string>? EventNames { get; init; }

    /// <summary>The subscriber's buffer.</summary>
    public SubscriptionBufferOptions Buffer { get; init; } = SubscriptionBufferOptions.Default;

    /// <summary>Whether a message passes the event-name filter.</summary>
    /// <param name="message">The message.</param>
    public bool Matches(ChannelMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return EventNames is null || (message.Name is { } name && EventNames.Contains(name));
    }
}
