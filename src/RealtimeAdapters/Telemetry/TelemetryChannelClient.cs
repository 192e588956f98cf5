using System.Collections.Concurrent;

namespace RealtimeAdapters.Telemetry;

/// <summary>
/// Wraps each channel of a client so that publishes, deliveries, history and presence are measured, follows the client's
/// connection state, and measures the provider-specific operations helpers run through <see cref="IProviderOperationObserver"/>.
/// </summary>
internal sealed class TelemetryChannelClient : DelegatingChannelClient, IProviderOperationObserver
{
    private readonly RealtimeInstruments _instruments;
    private readonly string _providerName;
    private readonly ConnectionTelemetry? _connection;

    // One wrapper per inner channel, so that the contract (same instance for the same name) carries through the wrapper;
    // keyed by name so that a released channel's wrapper goes with it.
    private readonly ConcurrentDictionary<string, TelemetryChannel> _channels = new(StringComparer.Ordinal);

    public TelemetryChannelClient(IChannelClient innerClient, RealtimeInstruments instruments)
        : base(innerClient)
    {
        _instruments = instruments;
        _providerName = innerClient.Metadata.ProviderName;
        _connection = ConnectionTelemetry.Start(() => innerClient.Connection, instruments, _providerName);
    }

    public override IChannel GetChannel(string name)
    {
        var inner = base.GetChannel(name);
        while (true)
        {
            var wrapper = _channels.GetOrAdd(inner.Name, static (_, state) => new TelemetryChannel(state.inner, state.self._instruments, state.self._providerName), (inner, self: this));
            if (wrapper.Wraps(inner))
            {
                return wrapper;
            }

            // The provider's channel was released and created again without going through this decorator.
            _channels.TryUpdate(inner.Name, new TelemetryChannel(inner, _instruments, _providerName), wrapper);
        }
    }

    /// <summary>How many channel wrappers the decorator holds.</summary>
    internal int ChannelCount => _channels.Count;

    public override async ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default)
    {
        await base.ReleaseChannelAsync(name, cancellationToken).ConfigureAwait(false);
        _channels.TryRemove(name, out _);
    }

    /// <inheritdoc />
    public ValueTask<TResult> ObserveAsync<TResult>(string operationName, Func<CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return _instruments.TrackAsync(_instruments.ChannelOperationDuration, _providerName, operationName, "realtime.channel." + operationName, () => operation(cancellationToken));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore().ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
