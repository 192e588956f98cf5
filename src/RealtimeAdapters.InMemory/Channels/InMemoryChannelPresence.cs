namespace RealtimeAdapters.InMemory;

/// <summary>A client's presence on one hub channel: the member is (the client's connection id, the client's client id).</summary>
internal sealed class InMemoryChannelPresence : IChannelPresence
{
    private readonly InMemoryChannelClient _client;
    private readonly InMemoryChannel _channel;
    private readonly ChannelState _state;

    public InMemoryChannelPresence(InMemoryChannelClient client, InMemoryChannel channel, ChannelState state)
    {
        _client = client;
        _channel = channel;
        _state = state;
    }

    public ValueTask EnterAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        ApplyAsync(PresenceAction.Enter, data, cancellationToken);

    public ValueTask UpdateAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        ApplyAsync(PresenceAction.Update, data, cancellationToken);

    public ValueTask LeaveAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        ApplyAsync(PresenceAction.Leave, data, cancellationToken);

    public ValueTask<IReadOnlyList<PresenceMessage>> GetAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<PresenceMessage>>(cancellationToken);
        }

        try
        {
            _channel.ThrowIfUnusable();
            return new ValueTask<IReadOnlyList<PresenceMessage>>(_state.GetMembers());
        }
        catch (ObjectDisposedException ex)
        {
            return ValueTask.FromException<IReadOnlyList<PresenceMessage>>(ex);
        }
    }

    public ValueTask<IRealtimeSubscription<PresenceMessage>> SubscribeAsync(PresenceSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IRealtimeSubscription<PresenceMessage>>(cancellationToken);
        }

        try
        {
            _channel.ThrowIfUnusable();
            options ??= PresenceSubscriptionOptions.Default;
            options.Buffer.Validate();
            var subscriber = _channel.SubscribePresence(options, out _);
            return new ValueTask<IRealtimeSubscription<PresenceMessage>>(subscriber.Queue);
        }
        catch (Exception ex) when (ex is ArgumentException or ObjectDisposedException)
        {
            return ValueTask.FromException<IRealtimeSubscription<PresenceMessage>>(ex);
        }
    }

    public ValueTask<HistoryPage<PresenceMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<HistoryPage<PresenceMessage>>(cancellationToken);
        }

        try
        {
            _channel.ThrowIfUnusable();
            query ??= HistoryQuery.Default;
            query.Validate();
            long? fromSerial = query.UntilAttach ? _channel.EarliestPresenceAttachSerial() : null;
            return new ValueTask<HistoryPage<PresenceMessage>>(Read(query, fromSerial));
        }
        catch (Exception ex) when (ex is RealtimeException or ObjectDisposedException)
        {
            return ValueTask.FromException<HistoryPage<PresenceMessage>>(ex);
        }
    }

    private HistoryPage<PresenceMessage> Read(HistoryQuery query, long? fromSerial)
    {
        var (items, next) = _state.ReadPresenceHistory(query, fromSerial);
        return new HistoryPage<PresenceMessage>(items, next is { } nextSerial ? ct => NextAsync(query, nextSerial, ct) : null);
    }

    private ValueTask<HistoryPage<PresenceMessage>> NextAsync(HistoryQuery query, long fromSerial, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<HistoryPage<PresenceMessage>>(cancellationToken);
        }

        try
        {
            _channel.ThrowIfUnusable();
            return new ValueTask<HistoryPage<PresenceMessage>>(Read(query, fromSerial));
        }
        catch (ObjectDisposedException ex)
        {
            return ValueTask.FromException<HistoryPage<PresenceMessage>>(ex);
        }
    }

    private ValueTask ApplyAsync(PresenceAction action, MessageData data, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            _channel.ThrowIfUnusable();
            var message = new PresenceMessage { Action = action, ClientId = _client.ClientId ?? string.Empty, Data = data };
            _state.ValidatePresence(message);
            if (!_state.TryApplyPresence(_client.ConnectionId, message, out _))
            {
                throw _channel.Released();
            }

            // A release that ran meanwhile may have made this client's members leave before this change was applied: undo
            // it, so that no member outlives the channel it was entered on.
            if (_channel.IsReleased)
            {
                _state.LeaveConnection(_client.ConnectionId);
                throw _channel.Released();
            }

            return default;
        }
        catch (Exception ex) when (ex is RealtimeException or ObjectDisposedException)
        {
            return ValueTask.FromException(ex);
        }
    }
}
