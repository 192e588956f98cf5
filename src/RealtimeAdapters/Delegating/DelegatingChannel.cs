namespace RealtimeAdapters;

/// <summary>A channel that passes every call to an inner channel: the base of channel decorators.</summary>
public class DelegatingChannel : IChannel
{
    /// <summary>Creates a decorator over <paramref name="innerChannel"/>.</summary>
    /// <param name="innerChannel">The channel calls are passed to.</param>
    protected DelegatingChannel(IChannel innerChannel)
    {
        ArgumentNullException.ThrowIfNull(innerChannel);
        InnerChannel = innerChannel;
    }

    /// <summary>The channel calls are passed to.</summary>
    protected IChannel InnerChannel { get; }

    /// <inheritdoc />
    public virtual string Name => InnerChannel.Name;

    /// <inheritdoc />
    public virtual IChannelPresence Presence => InnerChannel.Presence;

    /// <inheritdoc />
    public virtual ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default) =>
        InnerChannel.PublishAsync(messages, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default) =>
        InnerChannel.SubscribeAsync(options, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        InnerChannel.GetHistoryAsync(query, cancellationToken);
}
