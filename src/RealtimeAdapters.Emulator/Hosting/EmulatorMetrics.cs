using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// The emulator's own instruments, on one <see cref="Meter"/> per emulator named <see cref="MeterName"/> (so that two
/// emulators in one process keep their counts apart), tagged <c>realtime.provider</c> (<c>Firebase</c>, <c>Ably</c>) like
/// the library's: connections open and their lifetimes (churn), request durations, refusals and failures by type (HTTP
/// answers, and errors sent inside an open socket), refusals by a configured limit, and injected faults.
/// </summary>
internal sealed partial class EmulatorMetrics : IDisposable
{
    /// <summary>How often a limit's refusals are logged at most (the first at once, then a count per period).</summary>
    public static readonly TimeSpan RefusalLogPeriod = TimeSpan.FromSeconds(10);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string Provider, string Limit), RefusalLog> _refusalLogs = new();

    /// <summary>The meter's name.</summary>
    public const string MeterName = "RealtimeAdapters.Emulator";

    public const string ConnectionsActiveName = "realtime.emulator.connections.active";
    public const string ConnectionDurationName = "realtime.emulator.connection.duration";
    public const string RequestDurationName = "realtime.emulator.request.duration";
    public const string ErrorsName = "realtime.emulator.errors";
    public const string FaultsName = "realtime.emulator.faults";
    public const string RefusalsName = "realtime.emulator.limits.refused";
    public const string GcCollectionsName = "realtime.emulator.gc.collections";
    public const string GcPauseTimeName = "realtime.emulator.gc.pause.time";

    /// <summary>The tag naming a collection's generation (<see cref="GcCollectionsName"/>), as .NET's runtime metrics name it.</summary>
    public const string GcGenerationTag = "gc.heap.generation";

    /// <summary>The tag naming the limit of a refusal (<see cref="Refused"/>).</summary>
    public const string LimitTag = "realtime.emulator.limit";

    /// <summary>The tag naming the kind of an injected fault (<see cref="Faults"/>).</summary>
    public const string FaultTag = "realtime.emulator.fault";

    /// <summary>Request durations span sub-millisecond reads to long-poll-like streams; connections live for minutes.</summary>
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

    /// <param name="logger">Where refusals by a limit are reported (throttled per limit); none when omitted.</param>
    /// <param name="time">The clock of the throttling.</param>
    public EmulatorMetrics(ILogger? logger = null, TimeProvider? time = null)
    {
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        Meter = new Meter(MeterName, typeof(EmulatorMetrics).Assembly.GetName().Version?.ToString());
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        Exposition = new PrometheusExposition(Meter);
        ConnectionsActive = Meter.CreateUpDownCounter<long>(ConnectionsActiveName, "{connection}", "WebSocket connections currently open.");
        ConnectionDuration = Meter.CreateHistogram(ConnectionDurationName, "s", "Lifetime of closed WebSocket connections (its count is the connections closed).", advice: seconds);
        RequestDuration = Meter.CreateHistogram(RequestDurationName, "s", "Duration of HTTP requests other than WebSocket connections, by status code.", advice: seconds);
        Errors = Meter.CreateCounter<long>(
            ErrorsName,
            "{error}",
            "Requests refused (error.type: the status code) or failed (error.type: the exception type), and errors sent inside an open socket (error.type: the Ably error code, or the Firebase status).");
        Faults = Meter.CreateCounter<long>(FaultsName, "{fault}", "Faults injected through the emulator's test hooks, by kind (realtime.emulator.fault).");
        Refused = Meter.CreateCounter<long>(
            RefusalsName, "{refusal}", "Connections, requests, frames and messages refused by a configured limit, by limit (realtime.emulator.limit).");

        // The hosting process's collections and the time they paused it: every frame the emulator serves waits out a
        // pause, so a latency tail seen by clients can be put beside them (scrape before and after a measurement).
        Meter.CreateObservableCounter(
            GcCollectionsName,
            static () => new Measurement<long>[]
            {
                new(GC.CollectionCount(0), new KeyValuePair<string, object?>(GcGenerationTag, "gen0")),
                new(GC.CollectionCount(1), new KeyValuePair<string, object?>(GcGenerationTag, "gen1")),
                new(GC.CollectionCount(2), new KeyValuePair<string, object?>(GcGenerationTag, "gen2")),
            },
            "{collection}",
            "Garbage collections of the process hosting the emulator since it started, by generation (gc.heap.generation; a collection of a generation also counts in the younger ones).");
        Meter.CreateObservableCounter(
            GcPauseTimeName,
            static () => GC.GetTotalPauseDuration().TotalSeconds,
            "s",
            "Time the process hosting the emulator was paused by garbage collections since it started.");
    }

    public Meter Meter { get; }

    /// <summary>The instruments' current values in the Prometheus text format.</summary>
    public PrometheusExposition Exposition { get; }

    public UpDownCounter<long> ConnectionsActive { get; }

    public Histogram<double> ConnectionDuration { get; }

    public Histogram<double> RequestDuration { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Faults { get; }

    public Counter<long> Refused { get; }

    /// <summary>Counts one refusal by a limit (<see cref="EmulatorLimits"/> names them) of a front end and reports it.</summary>
    /// <remarks>
    /// The first refusal by a limit is logged at once, later ones as a count at most once per <see cref="RefusalLogPeriod"/>,
    /// so that a client hammering a limit cannot flood the log.
    /// </remarks>
    public void RecordRefusal(string provider, string limit)
    {
        Refused.Add(1, Provider(provider), new(LimitTag, limit));
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var log = _refusalLogs.GetOrAdd((provider, limit), static _ => new RefusalLog());
        var now = _time.GetTimestamp();
        long refused;
        lock (log)
        {
            log.Refused++;
            if (log.LastLogged is { } last && _time.GetElapsedTime(last, now) < RefusalLogPeriod)
            {
                return;
            }

            refused = log.Refused;
            log.Refused = 0;
            log.LastLogged = now;
        }

        LimitRefused(_logger, provider, limit, refused);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "{Provider}: {Count} refused by the {Limit} limit (logged at most every 10 s per limit; realtime_emulator_limits_refused_total counts each)")]
    private static partial void LimitRefused(ILogger logger, string provider, string limit, long count);

    private sealed class RefusalLog
    {
        public long? LastLogged { get; set; }

        public long Refused { get; set; }
    }

    /// <summary>Counts an error a front end sent inside an open socket (an Ably ERROR/NACK code, a Firebase refusal status).</summary>
    public void RecordSocketError(string provider, string errorType) => Errors.Add(1, Provider(provider), new(RealtimeDiagnostics.ErrorTypeTag, errorType));

    /// <summary>Counts a fault injected through a test hook, e.g. <c>drop_connections</c>.</summary>
    public void RecordFault(string provider, string fault, long count = 1) => Faults.Add(count, Provider(provider), new(FaultTag, fault));

    private static KeyValuePair<string, object?> Provider(string provider) => new(RealtimeDiagnostics.ProviderTag, provider);

    public void Dispose()
    {
        Exposition.Dispose();
        Meter.Dispose();
    }
}
