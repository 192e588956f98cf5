namespace RealtimeAdapters;

/// <summary>
/// A named channel carrying named events. Messages published by one publisher reach each subscriber in publish order.
/// Typed helpers live in <see cref="ChannelExtensions"/>.
/// </summary>
public interface IChannel
{
    /// <summary>The channel name.</summary>
    string Name { get; }

    /// <summary>Presence on this channel.</summary>
    /// <exception cref="RealtimeNotSupportedException">The provider does not support <see cref="RealtimeCapabilities.Presence"/> (thrown by the members).</exception>
    IChannelPresence Presence { get; }

    /// <summary>
    /// Publishes messages atomically and in order; completes when the backend has accepted them. A message whose
    /// <see cref="ChannelMessage.Id"/> was already published is accepted again without being delivered twice.
    /// </summary>
    /// <param name="messages">One or more messages.</param>
    /// <param name="cancellationToken">Cancels the wait; the messages may still be delivered.</param>
    /// <exception cref="MessageTooLargeException">A message (or the batch) is over the size limit.</exception>
    /// <exception cref="RealtimeValidationException">A message is invalid, e.g. its client id differs from the client's.</exception>
    ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to the channel's messages (all of them, or only some event names); completes once attached.</summary>
    /// <param name="options">Event-name filter and buffer.</param>
    /// <param name="cancellationToken">Cancels attaching.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads past messages, newest first by default, one page at a time.</summary>
    /// <param name="query">Range, direction and page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The first page.</returns>
    /// <exception cref="RealtimeNotSupportedException">The provider does not support <see cref="RealtimeCapabilities.History"/>.</exception>
    ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default);
}
