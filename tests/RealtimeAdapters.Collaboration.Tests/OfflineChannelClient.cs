namespace RealtimeAdapters.Collaboration.Tests;

/// <summary>A channel client whose publishes fail while <see cref="Online"/> is false (subscriptions and history pass through).</summary>
internal sealed class OfflineChannelClient(IChannelClient inner) : IChannelClient
{
    public bool Online { get; set; }

    public RealtimeProviderMetadata Metadata => inner.Metadata;

    public IRealtimeConnection Connection => inner.Connection;

    public string? ClientId => inner.ClientId;

    public IChannel GetChannel(string name) => new OfflineChannel(this, inner.GetChannel(name));

    public ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default) => inner.ReleaseChannelAsync(name, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class OfflineChannel(OfflineChannelClient owner, IChannel channel) : IChannel
    {
        public string Name => channel.Name;

        public IChannelPresence Presence => channel.Presence;

        public ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default) =>
            owner.Online ? channel.PublishAsync(messages, cancellationToken) : throw new RealtimeConnectionException("offline (test)");

        public ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default) =>
            channel.SubscribeAsync(options, cancellationToken);

        public ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
            channel.GetHistoryAsync(query, cancellationToken);
    }
}
