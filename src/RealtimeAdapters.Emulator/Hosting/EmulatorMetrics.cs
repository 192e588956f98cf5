using System.Diagnostics.Metrics;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// The emulator's own instruments, on one <see cref="Meter"/> per emulator named <see cref="MeterName"/> (so that two
/// emulators in one process keep their counts apart), tagged <c>realtime.provider</c> (<c>Firebase</c>, <c>Ably</c>) like
/// the library's: connections open and their lifetimes (churn), request durations, refusals and failures by type, and
/// injected faults.
/// </summary>
internal sealed class EmulatorMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RealtimeAdapters.Emulator";

    public const string ConnectionsActiveName = "realtime.emulator.connections.active";
    public const string ConnectionDurationName = "realtime.emulator.connection.duration";
    public const string RequestDurationName = "realtime.emulator.request.duration";
    public const string ErrorsName = "realtime.emulator.errors";
    public const string FaultsName = "realtime.emulator.faults";

    /// <summary>Request durations span sub-millisecond reads to long-poll-like streams; connections live for minutes.</summary>
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    public EmulatorMetrics()
    {
        Meter = new Meter(MeterName, typeof(EmulatorMetrics).Assembly.GetName().Version?.ToString());
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        Exposition = new PrometheusExposition(Meter);
        ConnectionsActive = Meter.CreateUpDownCounter<long>(ConnectionsActiveName, "{connection}", "WebSocket connections currently open.");
        ConnectionDuration = Meter.CreateHistogram(ConnectionDurationName, "s", "Lifetime of closed WebSocket connections (its count is the connections closed).", advice: seconds);
        RequestDuration = Meter.CreateHistogram(RequestDurationName, "s", "Duration of HTTP requests other than WebSocket connections, by status code.", advice: seconds);
        Errors = Meter.CreateCounter<long>(ErrorsName, "{error}", "Requests refused (error.type: the status code) or failed (error.type: the exception type).");
        Faults = Meter.CreateCounter<long>(FaultsName, "{fault}", "Faults injected through the emulator's test hooks, by kind (realtime.emulator.fault).");
    }

    public Meter Meter { get; }

    /// <summary>The instruments' current values in the Prometheus text format.</summary>
    public PrometheusExposition Exposition { get; }

    public UpDownCounter<long> ConnectionsActive { get; }

    public Histogram<double> ConnectionDuration { get; }

    public Histogram<double> RequestDuration { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Faults { get; }

    public void Dispose()
    {
        Exposition.Dispose();
        Meter.Dispose();
    }
}
