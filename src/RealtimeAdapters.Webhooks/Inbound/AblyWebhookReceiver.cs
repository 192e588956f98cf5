namespace RealtimeAdapters.Webhooks;

/// <summary>
/// Hands the events of verified Ably webhook deliveries to subscribers, as <see cref="IChannel"/> would: messages and
/// presence events per channel (with the same filters), and lifecycle changes. Events of one delivery reach each
/// subscriber in the delivery's order. Registered as a singleton by <see cref="AblyWebhookEndpoints.AddAblyWebhooks"/>.
/// </summary>
public sealed class AblyWebhookReceiver
{
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];

    /// <summary>Subscribes to the messages of one channel (all, or only some event names).</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="options">Event-name filter and buffer.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    public IRealtimeSubscription<ChannelMessage> SubscribeMessages(string channel, ChannelSubscriptionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        options ??= ChannelSubscriptionOptions.Default;
        return Add<ChannelMessage>(options.Buffer, e => e.Channel == channel && e.Message is { } m && options.Matches(m) ? e.Message : null);
    }

    /// <summary>Subscribes to the presence events (enter, update, leave) of one channel.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="options">Action filter and buffer.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    public IRealtimeSubscription<PresenceMessage> SubscribePresence(string channel, PresenceSubscriptionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        options ??= PresenceSubscriptionOptions.Default;
        return Add<PresenceMessage>(options.Buffer, e => e.Channel == channel && e.Presence is { } p && (options.Actions is null || options.Actions.Contains(p.Action)) ? p : null);
    }

    /// <summary>Subscribes to the occupancy changes of one channel (<c>channel.occupancy</c>).</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="buffer">The buffer; unbounded when omitted.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    public IRealtimeSubscription<ChannelOccupancyEvent> SubscribeOccupancy(string channel, SubscriptionBufferOptions? buffer = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return Add<ChannelOccupancyEvent>(buffer, e => e.Channel == channel ? e.Occupancy : null);
    }

    /// <summary>Subscribes to every event of every channel.</summary>
    /// <param name="buffer">The buffer; unbounded when omitted.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    public IRealtimeSubscription<AblyWebhookEvent> SubscribeAll(SubscriptionBufferOptions? buffer = null) => Add<AblyWebhookEvent>(buffer, e => e);

    /// <summary>Hands a verified delivery's events to the subscribers.</summary>
    internal void Publish(IReadOnlyList<AblyWebhookEvent> events)
    {
        Subscriber[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            foreach (var e in events)
            {
                subscriber.Offer(e);
            }
        }
    }

    private RealtimeSubscription<T> Add<T>(SubscriptionBufferOptions? buffer, Func<AblyWebhookEvent, T?> select)
        where T : class
    {
        Subscriber? subscriber = null;
        var subscription = new RealtimeSubscription<T>(buffer, () =>
        {
            lock (_gate)
            {
                _subscribers.Remove(subscriber!);
            }

            return ValueTask.CompletedTask;
        });
        subscriber = new Subscriber(e =>
        {
            if (select(e) is { } item)
            {
                subscription.TryWrite(item);
            }
        });
        lock (_gate)
        {
            _subscribers.Add(subscriber);
        }

        return subscription;
    }

    private sealed class Subscriber(Action<AblyWebhookEvent> offer)
    {
        public void Offer(AblyWebhookEvent e) => offer(e);
    }
}
