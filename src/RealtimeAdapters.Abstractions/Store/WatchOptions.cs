namespace RealtimeAdapters;

/// <summary>Options of a store watch.</summary>
public sealed record WatchOptions
{
    /// <summary>The defaults: every event kind, the default buffer.</summary>
    public static WatchOptions Default { get; } = new();

    /// <summary>Which events to deliver.</summary>
    public StoreEventKind Events { get; init; } = StoreEventKind.All;

    /// <summary>The subscriber's buffer.</summary>
    public SubscriptionBufferOptions Buffer { get; init; } = SubscriptionBufferOptions.Default;
}
