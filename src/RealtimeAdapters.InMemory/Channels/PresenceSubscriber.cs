namespace RealtimeAdapters.InMemory;

/// <summary>One presence subscription registered on a <see cref="ChannelState"/>.</summary>
internal sealed class PresenceSubscriber
{
    private readonly ChannelState _channel;
    private readonly int _actionMask;
    private readonly Action<PresenceSubscriber>? _onDisposed;

    public PresenceSubscriber(ChannelState channel, PresenceSubscriptionOptions options, Action<PresenceSubscriber>? onDisposed)
    {
        _channel = channel;
        _onDisposed = onDisposed;
        if (options.Actions is { } actions)
        {
            foreach (var action in actions)
            {
                _actionMask |= 1 << (int)action;
            }
        }
        else
        {
            _actionMask = -1;
        }

        Queue = new RealtimeSubscription<PresenceMessage>(options.Buffer, OnDisposeAsync);
    }

    public RealtimeSubscription<PresenceMessage> Queue { get; }

    /// <summary>The channel serial when the subscriber was registered.</summary>
    public long AttachSerial { get; set; }

    public bool Matches(PresenceAction action) => (_actionMask & (1 << (int)action)) != 0;

    private ValueTask OnDisposeAsync()
    {
        _channel.Remove(this);
        _onDisposed?.Invoke(this);
        return default;
    }
}
