namespace RealtimeAdapters.InMemory;

/// <summary>A connection's message subscription on a hub channel, as returned by <see cref="InMemoryChannelHub.SubscribeMessages"/>.</summary>
public sealed class MessageAttachment
{
    internal MessageAttachment(RealtimeSubscription<ChannelMessage> subscription, string attachSerial, bool resumed, int replayed)
    {
        Subscription = subscription;
        AttachSerial = attachSerial;
        Resumed = resumed;
        Replayed = replayed;
    }

    /// <summary>The messages: the replayed ones (if any), then every live one, in channel order. Dispose it to unsubscribe.</summary>
    public RealtimeSubscription<ChannelMessage> Subscription { get; }

    /// <summary>
    /// The channel serial when the subscription was registered (Ably ATTACHED <c>channelSerial</c>): every message up to
    /// it was published before the attach. Pass it as <c>fromSerial</c> to <see cref="InMemoryChannelHub.ReadHistory"/>
    /// for <c>untilAttach</c>.
    /// </summary>
    public string AttachSerial { get; }

    /// <summary>
    /// For a <see cref="MessageReplay.AfterSerial"/> replay: whether continuity held, i.e. every message after that
    /// serial was still retained and has been replayed (Ably ATTACHED flag RESUMED). <see langword="false"/> otherwise.
    /// </summary>
    public bool Resumed { get; }

    /// <summary>How many messages were replayed into the subscription before live delivery (Ably HAS_BACKLOG when positive).</summary>
    public int Replayed { get; }
}
