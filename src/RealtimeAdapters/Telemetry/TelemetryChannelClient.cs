using System.Collections.Concurrent;

namespace RealtimeAdapters.Telemetry;

/// <summary>Wraps each channel of a client so that publishes and deliveries are measured.</summary>
internal sealed class TelemetryChannelClient : DelegatingChannelClient
{
    private readonly RealtimeInstruments _instruments;
    private readonly string _providerName;

    // Keyed by the inner channel so that the contract (same instance for the same name) carries through the wrapper.
    private readonly ConcurrentDictionary<IChannel, TelemetryChannel> _channels = new(ReferenceEqualityComparer.Instance);

    public TelemetryChannelClient(IChannelClient innerClient, RealtimeInstruments instruments)
        : base(innerClient)
    {
        _instruments = instruments;
        _providerName = innerClient.Metadata.ProviderName;
    }

    public override IChannel GetChannel(string name)
    {
        var inner = base.GetChannel(name);
        return _channels.GetOrAdd(inner, static (channel, self) => new TelemetryChannel(channel, self._instruments, self._providerName), this);
    }
}
