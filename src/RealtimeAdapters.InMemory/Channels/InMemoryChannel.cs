namespace RealtimeAdapters.InMemory;

/// <summary>A client's view of one hub channel: publishes and subscribes as the client's connection.</summary>
internal sealed class InMemoryChannel : IChannel
{
    private readonly Lock _gate = new();
    private readonly InMemoryChannelClient _client;
    private readonly ChannelState _state;
    private readonly Action<MessageSubscriber> _onSubscriberDisposed;
    private readonly Action<PresenceSubscriber> _onPresenceSubscriberDisposed;
    private readonly List<MessageSubscriber> _subscribers = [];
    private readonly List<PresenceSubscriber> _presenceSubscribers = [];
    private volatile bool _released;

    public InMemoryChannel(InMemoryChannelClient client, ChannelState state)
    {
        _client = client;
        _state = state;
        _onSubscriberDisposed = OnSubscriberDisposed;
        _onPresenceSubscriberDisposed = OnPresenceSubscriberDisposed;
        Presence = new InMemoryChannelPresence(client, this, state);
    }

    public string Name => _state.Name;

    public IChannelPresence Presence { get; }

    public ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ArgumentNullException.ThrowIfNull(messages);
            ThrowIfUnusable();
            _state.ValidateBatch(_client.ClientId, messages);
            if (!_state.Publish(_client.ConnectionId, _client.ClientId, messages, null))
            {
                throw Released();
            }

            return default;
        }
        catch (Exception ex) when (ex is RealtimeException or ArgumentException or ObjectDisposedException)
        {
            return ValueTask.FromException(ex);
        }
    }

    public ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IRealtimeSubscription<ChannelMessage>>(cancellationToken);
        }

        try
        {
            ThrowIfUnusable();
            options ??= ChannelSubscriptionOptions.Default;
            options.Buffer.Validate();
            var subscriber = _state.Subscribe(_client.ConnectionId, _client.EchoMessages, options, null, _onSubscriberDisposed, out _, out _) ?? throw Released();
            lock (_gate)
            {
                _subscribers.RemoveAll(static s => !s.Queue.IsActive);
                _subscribers.Add(subscriber);
            }

            // A close or release that began before the add may have missed this subscriber; end it here (ending twice is
            // harmless).
            if (_client.IsClosed || _released)
            {
                _state.Remove(subscriber);
                subscriber.Queue.Complete();
            }

            return new ValueTask<IRealtimeSubscription<ChannelMessage>>(subscriber.Queue);
        }
        catch (Exception ex) when (ex is RealtimeException or ArgumentException or ObjectDisposedException)
        {
            return ValueTask.FromException<IRealtimeSubscription<ChannelMessage>>(ex);
        }
    }

    public ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<HistoryPage<ChannelMessage>>(cancellationToken);
        }

        try
        {
            ThrowIfUnusable();
            query ??= HistoryQuery.Default;
            query.Validate();
            long? fromSerial = null;
            if (query.UntilAttach)
            {
                lock (_gate)
                {
                    fromSerial = EarliestAttachSerial(_subscribers, static s => s.Queue.IsActive, static s => s.AttachSerial);
                }
            }

            return new ValueTask<HistoryPage<ChannelMessage>>(ReadMessages(query, fromSerial));
        }
        catch (Exception ex) when (ex is RealtimeException or ArgumentException or ObjectDisposedException)
        {
            return ValueTask.FromException<HistoryPage<ChannelMessage>>(ex);
        }
    }

    internal PresenceSubscriber SubscribePresence(PresenceSubscriptionOptions options, out long attachSerial)
    {
        var subscriber = _state.SubscribePresence(options, _onPresenceSubscriberDisposed, out _, out attachSerial) ?? throw Released();
        lock (_gate)
        {
            _presenceSubscribers.RemoveAll(static s => !s.Queue.IsActive);
            _presenceSubscribers.Add(subscriber);
        }

        if (_client.IsClosed || _released)
        {
            _state.Remove(subscriber);
            subscriber.Queue.Complete();
        }

        return subscriber;
    }

    internal long EarliestPresenceAttachSerial()
    {
        lock (_gate)
        {
            return EarliestAttachSerial(_presenceSubscribers, static s => s.Queue.IsActive, static s => s.AttachSerial);
        }
    }

    internal bool IsReleased => _released;

    /// <summary>Throws when the client is closed or this channel was released.</summary>
    internal void ThrowIfUnusable()
    {
        _client.ThrowIfClosed();
        if (_released)
        {
            throw Released();
        }
    }

    internal ObjectDisposedException Released() =>
        new(nameof(IChannel), $"Channel \"{Name}\" was released; get it again from the client to use it.");

    /// <summary>
    /// The client released the channel: further use throws, subscriptions end, this client's member leaves, and the hub
    /// may retire the channel state once nothing else uses it.
    /// </summary>
    internal void Release()
    {
        // Flag first: an operation racing with the release either sees it, or ran before the steps below undo it.
        _released = true;
        Shutdown();
        _state.LeaveConnection(_client.ConnectionId);
        _state.Unhold();
    }

    /// <summary>The client closed: subscriptions end and the channel state is no longer held.</summary>
    internal void Close()
    {
        Shutdown();
        _state.Unhold();
    }

    /// <summary>Ends every subscription of this client on this channel (the client is closing).</summary>
    private void Shutdown()
    {
        MessageSubscriber[] subscribers;
        PresenceSubscriber[] presenceSubscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
            presenceSubscribers = [.. _presenceSubscribers];
            _subscribers.Clear();
            _presenceSubscribers.Clear();
        }

        foreach (var subscriber in subscribers)
        {
            _state.Remove(subscriber);
            subscriber.Queue.Complete();
        }

        foreach (var subscriber in presenceSubscribers)
        {
            _state.Remove(subscriber);
            subscriber.Queue.Complete();
        }
    }

    private static long EarliestAttachSerial<T>(List<T> subscribers, Func<T, bool> isActive, Func<T, long> attachSerial)
    {
        long? earliest = null;
        foreach (var subscriber in subscribers)
        {
            if (isActive(subscriber) && (earliest is null || attachSerial(subscriber) < earliest))
            {
                earliest = attachSerial(subscriber);
            }
        }

        return earliest ?? throw new RealtimeValidationException(
            "Invalid history query: untilAttach needs an active subscription on the channel (the channel is not attached).",
            nameof(HistoryQuery.UntilAttach)) { ErrorCode = "90001", StatusCode = 400 };
    }

    private HistoryPage<ChannelMessage> ReadMessages(HistoryQuery query, long? fromSerial)
    {
        var (items, next) = _state.ReadHistory(query, fromSerial);
        return new HistoryPage<ChannelMessage>(items, next is { } nextSerial ? ct => NextMessages(query, nextSerial, ct) : null);
    }

    private ValueTask<HistoryPage<ChannelMessage>> NextMessages(HistoryQuery query, long fromSerial, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<HistoryPage<ChannelMessage>>(cancellationToken);
        }

        try
        {
            ThrowIfUnusable();
            return new ValueTask<HistoryPage<ChannelMessage>>(ReadMessages(query, fromSerial));
        }
        catch (ObjectDisposedException ex)
        {
            return ValueTask.FromException<HistoryPage<ChannelMessage>>(ex);
        }
    }

    private void OnSubscriberDisposed(MessageSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers.Remove(subscriber);
        }
    }

    private void OnPresenceSubscriberDisposed(PresenceSubscriber subscriber)
    {
        lock (_gate)
        {
            _presenceSubscribers.Remove(subscriber);
        }
    }
}
