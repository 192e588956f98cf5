namespace RealtimeAdapters.Telemetry;

/// <summary>Measures publishes (duration, messages, failures) and deliveries (messages, latency) of one channel.</summary>
internal sealed class TelemetryChannel : DelegatingChannel
{
    private readonly RealtimeInstruments _instruments;
    private readonly string _providerName;

    public TelemetryChannel(IChannel innerChannel, RealtimeInstruments instruments, string providerName)
        : base(innerChannel)
    {
        _instruments = instruments;
        _providerName = providerName;
    }

    /// <summary>Whether this wrapper is the one of <paramref name="channel"/>.</summary>
    public bool Wraps(IChannel channel) => ReferenceEquals(InnerChannel, channel);

    public override async ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var operation = _instruments.Start(_instruments.ChannelPublishDuration, _providerName, "publish", "realtime.channel.publish");
        operation.Activity?.SetTag("messaging.destination.name", Name);
        operation.Activity?.SetTag("messaging.batch.message_count", messages.Count);
        try
        {
            await base.PublishAsync(messages, cancellationToken).ConfigureAwait(false);
            operation.Succeeded();
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }

        _instruments.MessagesPublished.Add(messages.Count, new KeyValuePair<string, object?>(RealtimeDiagnostics.ProviderTag, _providerName));
    }

    public override async ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        IRealtimeSubscription<ChannelMessage> subscription;
        try
        {
            subscription = await base.SubscribeAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Attaching is not timed (it may wait for a connection); its failures still count.
            _instruments.RecordSubscriptionFailure(_providerName, "subscribe", ex);
            throw;
        }

        return new ObservedSubscription<ChannelMessage>(subscription, OnReceived, ex => _instruments.RecordSubscriptionFailure(_providerName, "subscribe", ex));
    }

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
