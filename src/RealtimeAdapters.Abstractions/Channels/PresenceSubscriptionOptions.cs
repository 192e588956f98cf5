namespace RealtimeAdapters;

/// <summary>Options of a presence subscription.</summary>
public sealed record PresenceSubscriptionOptions
{
    /// <summary>The defaults: every action, the default buffer.</summary>
    public static PresenceSubscriptionOptions Default { get; } = new();

    /// <summary>The actions to deliver, or <see langword="null"/> for all.</summary>
    public IReadOnlyCollection<PresenceAction>? Actions { get; init; }

    /// <summary>The subscriber's buffer.</summary>
    public SubscriptionBufferOptions Buffer { get; init; } = SubscriptionBufferOptions.Default;
}
