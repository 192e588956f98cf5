namespace RealtimeAdapters.InMemory;

/// <summary>One message subscription registered on a <see cref="ChannelState"/>: its queue, its filter and whose echo it suppresses.</summary>
internal sealed class MessageSubscriber
{
    // Up to this many event names are matched by a linear scan (cheaper than hashing for the usual one or two names).
    private const int LinearNameLimit = 8;

    private readonly ChannelState _channel;
    private readonly string[]? _names;
    private readonly HashSet<string>? _nameSet;
    private readonly Action<MessageSubscriber>? _onDisposed;

    public MessageSubscriber(ChannelState channel, string connectionId, bool echo, ChannelSubscriptionOptions options, Action<MessageSubscriber>? onDisposed)
    {
        _channel = channel;
        _onDisposed = onDisposed;
        ConnectionId = connectionId;
        SuppressesEcho = !echo;
        if (options.EventNames is { } names)
        {
            if (names.Count > LinearNameLimit)
            {
                _nameSet = new HashSet<string>(names, StringComparer.Ordinal);
            }
            else
            {
                _names = [.. names];
            }

            HasFilter = true;
        }

        Queue = new RealtimeSubscription<ChannelMessage>(options.Buffer, OnDisposeAsync);
    }

    public RealtimeSubscription<ChannelMessage> Queue { get; }

    public string ConnectionId { get; }

    /// <summary>Whether messages published by <see cref="ConnectionId"/> are withheld (echo off).</summary>
    public bool SuppressesEcho { get; }

    public bool HasFilter { get; }

    /// <summary>The channel serial when the subscriber was registered.</summary>
    public long AttachSerial { get; set; }

    public bool Matches(string? name)
    {
        if (!HasFilter)
        {
            return true;
        }

        if (name is null)
        {
            return false;
        }

        if (_nameSet is not null)
        {
            return _nameSet.Contains(name);
        }

        foreach (var candidate in _names!)
        {
            if (string.Equals(candidate, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private ValueTask OnDisposeAsync()
    {
        _channel.Remove(this);
        _onDisposed?.Invoke(this);
        return default;
    }
}
