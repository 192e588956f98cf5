using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using RealtimeAdapters;
using RealtimeAdapters.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds metrics, traces and logs around every realtime store and channel client.</summary>
public static class RealtimeTelemetryBuilderExtensions
{
    /// <summary>
    /// Wraps every store and channel client of the container (registered before or after this call) in a decorator that
    /// reports to the meter and activity source <see cref="RealtimeDiagnostics.Name"/>: operation and publish durations,
    /// messages published and received, delivery latency, store events, and errors by exception type, each tagged with the
    /// provider; failures are also logged. The meter comes from the container's <see cref="IMeterFactory"/> when there is
    /// one. Calling it again has no further effect.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder UseTelemetry(this RealtimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(RealtimeInstruments)))
        {
            return builder;
        }

        builder.Services.AddSingleton(sp => new RealtimeInstruments(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<ILoggerFactory>()));
        return builder
            .UseStore((store, sp) => new TelemetryRealtimeStore(store, sp.GetRequiredService<RealtimeInstruments>()))
            .UseChannelClient((client, sp) => new TelemetryChannelClient(client, sp.GetRequiredService<RealtimeInstruments>()));
    }
}
