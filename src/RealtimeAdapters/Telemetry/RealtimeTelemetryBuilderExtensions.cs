using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using RealtimeAdapters;
using RealtimeAdapters.Telemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds metrics, traces and logs around realtime stores and channel clients: all of them, or one registration.</summary>
public static class RealtimeTelemetryBuilderExtensions
{
    /// <summary>
    /// Wraps every store and channel client of the container (registered before or after this call) in a decorator that
    /// reports to the meter and activity source <see cref="RealtimeDiagnostics.Name"/> (the instruments are listed on
    /// <see cref="RealtimeDiagnostics"/>): operation, publish, history and presence durations, pending operations,
    /// messages published and received, delivery latency, store and presence events, buffered subscription events,
    /// connection state (active connections, transitions, reconnects) and errors by exception type, each tagged with the
    /// provider; failures are also logged. The meter comes from the container's <see cref="IMeterFactory"/> when there is
    /// one. A store or client is never measured twice, whatever mix of this and the per-registration
    /// <c>UseTelemetry()</c> is used.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder UseTelemetry(this RealtimeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddInstruments(builder.Services);
        return builder.UseStore(DecorateStore).UseChannelClient(DecorateChannelClient);
    }

    /// <summary>Measures one store registration (see <see cref="UseTelemetry(RealtimeBuilder)"/> for what is reported).</summary>
    /// <param name="builder">The registration's builder (<c>ConfigureStore</c>, <c>ConfigureKeyedStore</c>).</param>
    /// <returns>The builder.</returns>
    public static RealtimeRegistrationBuilder<IRealtimeStore> UseTelemetry(this RealtimeRegistrationBuilder<IRealtimeStore> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddInstruments(builder.Services);
        return builder.Use(DecorateStore);
    }

    /// <summary>Measures one channel-client registration (see <see cref="UseTelemetry(RealtimeBuilder)"/> for what is reported).</summary>
    /// <param name="builder">The registration's builder (<c>ConfigureChannelClient</c>, <c>ConfigureKeyedChannelClient</c>).</param>
    /// <returns>The builder.</returns>
    public static RealtimeRegistrationBuilder<IChannelClient> UseTelemetry(this RealtimeRegistrationBuilder<IChannelClient> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddInstruments(builder.Services);
        return builder.Use(DecorateChannelClient);
    }

    private static void AddInstruments(IServiceCollection services) =>
        services.TryAddSingleton(sp => new RealtimeInstruments(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<ILoggerFactory>()));

    // Already measured (telemetry added both for the container and for this registration, or twice): left as it is.
    private static IRealtimeStore DecorateStore(IRealtimeStore store, IServiceProvider services) =>
        store.GetService<TelemetryRealtimeStore>() is not null ? store : new TelemetryRealtimeStore(store, services.GetRequiredService<RealtimeInstruments>());

    private static IChannelClient DecorateChannelClient(IChannelClient client, IServiceProvider services) =>
        client.GetService<TelemetryChannelClient>() is not null ? client : new TelemetryChannelClient(client, services.GetRequiredService<RealtimeInstruments>());
}
