using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeAdapters.Telemetry;

/// <summary>The meter, its instruments, the activity source and the logger shared by the telemetry decorators of one container.</summary>
internal sealed class RealtimeInstruments : IDisposable
{
    // Latencies span sub-millisecond in-memory calls to multi-second network retries.
    private static readonly double[] SecondsBuckets = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter? _ownedMeter;

    public RealtimeInstruments(TimeProvider timeProvider, IMeterFactory? meterFactory, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger(RealtimeDiagnostics.Name);
        var version = typeof(RealtimeInstruments).Assembly.GetName().Version?.ToString();
        if (meterFactory is not null)
        {
            Meter = meterFactory.Create(new MeterOptions(RealtimeDiagnostics.Name) { Version = version });
        }
        else
        {
            Meter = _ownedMeter = new Meter(RealtimeDiagnostics.Name, version);
        }

        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets };
        StoreOperationDuration = Meter.CreateHistogram(RealtimeDiagnostics.StoreOperationDuration, "s", "Duration of store operations.", advice: seconds);
        StoreEvents = Meter.CreateCounter<long>(RealtimeDiagnostics.StoreEvents, "{event}", "Store watch events read by subscribers.");
        ChannelPublishDuration = Meter.CreateHistogram(RealtimeDiagnostics.ChannelPublishDuration, "s", "Duration of channel publishes until the backend accepted them.", advice: seconds);
        MessagesPublished = Meter.CreateCounter<long>(RealtimeDiagnostics.ChannelMessagesPublished, "{message}", "Channel messages accepted by the backend.");
        MessagesReceived = Meter.CreateCounter<long>(RealtimeDiagnostics.ChannelMessagesReceived, "{message}", "Channel messages read by subscribers.");
        DeliveryLatency = Meter.CreateHistogram(RealtimeDiagnostics.ChannelDeliveryLatency, "s", "Time from the backend's message timestamp to its reading by a subscriber.", advice: seconds);
        Errors = Meter.CreateCounter<long>(RealtimeDiagnostics.Errors, "{error}", "Failed operations and subscriptions, by exception type.");
    }

    public static ActivitySource ActivitySource { get; } = new(RealtimeDiagnostics.Name, typeof(RealtimeInstruments).Assembly.GetName().Version?.ToString());

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public Meter Meter { get; }

    public Histogram<double> StoreOperationDuration { get; }

    public Counter<long> StoreEvents { get; }

    public Histogram<double> ChannelPublishDuration { get; }

    public Counter<long> MessagesPublished { get; }

    public Counter<long> MessagesReceived { get; }

    public Histogram<double> DeliveryLatency { get; }

    public Counter<long> Errors { get; }

    /// <summary>Starts timing an operation (and an activity when someone listens).</summary>
    public TelemetryOperation Start(Histogram<double> duration, string providerName, string operation, string activityName) =>
        new(this, duration, providerName, operation, ActivitySource.StartActivity(activityName, ActivityKind.Client), TimeProvider.GetTimestamp());

    /// <summary>Counts and logs a failure outside a timed operation (a subscription that ended with an error).</summary>
    public void RecordSubscriptionFailure(string providerName, string operation, Exception error)
    {
        var type = error.GetType().FullName ?? error.GetType().Name;
        Errors.Add(1, new TagList
        {
            { RealtimeDiagnostics.ProviderTag, providerName },
            { RealtimeDiagnostics.OperationTag, operation },
            { RealtimeDiagnostics.ErrorTypeTag, type },
        });
        Log.SubscriptionFailed(Logger, providerName, operation, type, error);
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
