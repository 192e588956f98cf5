namespace RealtimeAdapters.InMemory;

/// <summary>A presence subscription on a hub channel with the member set at that moment, as returned by <see cref="InMemoryChannelHub.SubscribePresence"/>.</summary>
public sealed class PresenceAttachment
{
    internal PresenceAttachment(RealtimeSubscription<PresenceMessage> subscription, IReadOnlyList<PresenceMessage> members, string attachSerial)
    {
        Subscription = subscription;
        Members = members;
        AttachSerial = attachSerial;
    }

    /// <summary>Presence events (enter, update, leave) after <see cref="Members"/> was taken. Dispose it to unsubscribe.</summary>
    public RealtimeSubscription<PresenceMessage> Subscription { get; }

    /// <summary>The members present when the subscription was registered (action <see cref="PresenceAction.Present"/>), sorted by client id then connection id: the content of a presence SYNC.</summary>
    public IReadOnlyList<PresenceMessage> Members { get; }

    /// <summary>The channel serial when the subscription was registered.</summary>
    public string AttachSerial { get; }
}
