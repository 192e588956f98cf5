namespace RealtimeAdapters;

/// <summary>
/// Who is present on a channel. A member is a client id on a connection; entering needs a client id. When a client is
/// disposed or its connection is lost, its members leave.
/// </summary>
public interface IChannelPresence
{
    /// <summary>Enters the channel as the client's client id.</summary>
    /// <param name="data">The member's data.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeValidationException">The client has no client id (Ably 91000).</exception>
    ValueTask EnterAsync(MessageData data = default, CancellationToken cancellationToken = default);

    /// <summary>Updates the member's data (entering first if not present).</summary>
    /// <param name="data">The new data.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask UpdateAsync(MessageData data = default, CancellationToken cancellationToken = default);

    /// <summary>Leaves the channel. Leaving when not present does nothing.</summary>
    /// <param name="data">Data sent with the leave event.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask LeaveAsync(MessageData data = default, CancellationToken cancellationToken = default);

    /// <summary>The members present now, each with action <see cref="PresenceAction.Present"/>.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    ValueTask<IReadOnlyList<PresenceMessage>> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams presence events (enter, update, leave) from now on.</summary>
    /// <param name="options">Action filter and buffer.</param>
    /// <param name="cancellationToken">Cancels attaching.</param>
    /// <returns>The subscription; dispose it to unsubscribe.</returns>
    ValueTask<IRealtimeSubscription<PresenceMessage>> SubscribeAsync(PresenceSubscriptionOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads past presence events, one page at a time.</summary>
    /// <param name="query">Range, direction and page size.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="RealtimeNotSupportedException">The provider does not support <see cref="RealtimeCapabilities.History"/>.</exception>
    ValueTask<HistoryPage<PresenceMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default);
}
