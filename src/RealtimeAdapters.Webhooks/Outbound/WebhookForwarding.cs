namespace RealtimeAdapters.Webhooks;

/// <summary>
/// Forwards a channel's messages and presence events, or a store's changes, to a <see cref="WebhookDispatcher"/>.
/// Event types: <c>channel.message</c>, <c>channel.presence</c>, <c>store.child_added</c> and the other
/// <see cref="StoreEventKind"/> names. A message's or presence event's id is its idempotency key.
/// </summary>
public static class WebhookForwarding
{
    /// <summary>Forwards every message published on <paramref name="channel"/> from now on.</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The forwarding; dispose it to stop.</returns>
    public static async ValueTask<IAsyncDisposable> ForwardMessagesAsync(this WebhookDispatcher dispatcher, IChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(channel);
        var subscription = await channel.SubscribeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new Forwarder<ChannelMessage>(subscription, m => dispatcher.Enqueue("channel.message", WebhookPayloads.Message(channel.Name, m), m.Id));
    }

    /// <summary>Forwards every presence event (enter, update, leave) on <paramref name="channel"/> from now on.</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The forwarding; dispose it to stop.</returns>
    public static async ValueTask<IAsyncDisposable> ForwardPresenceAsync(this WebhookDispatcher dispatcher, IChannel channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(channel);
        var subscription = await channel.Presence.SubscribeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new Forwarder<PresenceMessage>(subscription, p => dispatcher.Enqueue("channel.presence", WebhookPayloads.Presence(channel.Name, p), p.Id));
    }

    /// <summary>Forwards the changes a watch of <paramref name="query"/> reports (child added/changed/removed/moved, value).</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="store">The store.</param>
    /// <param name="query">What to watch.</param>
    /// <param name="cancellationToken">Cancels starting the watch.</param>
    /// <returns>The forwarding; dispose it to stop.</returns>
    public static async ValueTask<IAsyncDisposable> ForwardStoreAsync(this WebhookDispatcher dispatcher, IRealtimeStore store, RealtimeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(store);
        var subscription = await store.WatchAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new Forwarder<StoreEvent>(subscription, e => dispatcher.Enqueue(WebhookPayloads.StoreEventType(e.Kind), WebhookPayloads.Store(e)));
    }

    private sealed class Forwarder<T> : IAsyncDisposable
    {
        private readonly IRealtimeSubscription<T> _subscription;
        private readonly Task _pump;

        public Forwarder(IRealtimeSubscription<T> subscription, Action<T> forward)
        {
            _subscription = subscription;
            _pump = Task.Run(async () =>
            {
                await foreach (var item in ((IAsyncEnumerable<T>)subscription).ConfigureAwait(false))
                {
                    forward(item);
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
            try
            {
                await _pump.ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The dispatcher was disposed first.
            }
        }
    }
}
