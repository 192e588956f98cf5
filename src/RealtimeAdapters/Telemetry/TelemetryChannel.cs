namespace RealtimeAdapters.Telemetry;

/// <summary>Measures publishes (duration, messages, failures), deliveries (messages, latency), history and presence of one channel.</summary>
internal sealed class TelemetryChannel : DelegatingChannel
{
    private readonly RealtimeInstruments _instruments;
    private readonly string _providerName;
    private readonly Lazy<TelemetryPresence> _presence;

    public TelemetryChannel(IChannel innerChannel, RealtimeInstruments instruments, string providerName)
        : base(innerChannel)
    {
        _instruments = instruments;
        _providerName = providerName;
        _presence = new(() => new TelemetryPresence(InnerChannel.Presence, instruments, providerName, innerChannel.Name));
    }

    /// <summary>Whether this wrapper is the one of <paramref name="channel"/>.</summary>
    public bool Wraps(IChannel channel) => ReferenceEquals(InnerChannel, channel);

    public override IChannelPresence Presence => _presence.Value;

    public override async ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await _instruments.TrackAsync(
            _instruments.ChannelPublishDuration, _providerName, "publish", "realtime.channel.publish",
            () => base.PublishAsync(messages, cancellationToken),
            activity =>
            {
                activity.SetTag("messaging.destination.name", Name);
                activity.SetTag("messaging.batch.message_count", messages.Count);
            }).ConfigureAwait(false);
        _instruments.MessagesPublished.Add(messages.Count, new KeyValuePair<string, object?>(RealtimeDiagnostics.ProviderTag, _providerName));
    }

    public override ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        _instruments.TrackAsync(
            _instruments.ChannelOperationDuration, _providerName, "history", "realtime.channel.history",
            () => base.GetHistoryAsync(query, cancellationToken),
            activity => activity.SetTag("messaging.destination.name", Name));

    public override ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default) =>
        _instruments.SubscribeAsync(_providerName, "subscribe", () => base.SubscribeAsync(options, cancellationToken), OnReceived);

    private void OnReceived(ChannelMessage message)
    {
        var provider = new KeyValuePair<string, object?>(RealtimeDiagnostics.ProviderTag, _providerName);
        _instruments.MessagesReceived.Add(1, provider);
        if (message.Timestamp is { } sent)
        {
            var latency = _instruments.TimeProvider.GetUtcNow() - sent;
            _instruments.DeliveryLatency.Record(Math.Max(0, latency.TotalSeconds), provider);
        }
    }
}
