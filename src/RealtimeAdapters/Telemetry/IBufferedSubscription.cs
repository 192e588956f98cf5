namespace RealtimeAdapters.Telemetry;

/// <summary>A subscription whose unread events the <c>realtime.subscriptions.buffered</c> gauge counts.</summary>
internal interface IBufferedSubscription
{
    string ProviderName { get; }

    /// <summary>Events buffered and not yet read.</summary>
    int Buffered { get; }
}
