using System.Collections.Concurrent;
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

    // The subscriptions whose buffers the buffered gauge sums, until they are disposed or end.
    private readonly ConcurrentDictionary<IBufferedSubscription, byte> _subscriptions = new(ReferenceEqualityComparer.Instance);

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
        StoreWriteLatency = Meter.CreateHistogram(RealtimeDiagnostics.StoreWriteLatency, "s", "Time from a write through a store to the reading of the first event of its own watches that covers the written path.", advice: seconds);
        StoreEvents = Meter.CreateCounter<long>(RealtimeDiagnostics.StoreEvents, "{event}", "Store watch events read by subscribers.");
        ChannelPublishDuration = Meter.CreateHistogram(RealtimeDiagnostics.ChannelPublishDuration, "s", "Duration of channel publishes until the backend accepted them.", advice: seconds);
        ChannelOperationDuration = Meter.CreateHistogram(RealtimeDiagnostics.ChannelOperationDuration, "s", "Duration of channel history, presence and provider-specific operations.", advice: seconds);
        MessagesPublished = Meter.CreateCounter<long>(RealtimeDiagnostics.ChannelMessagesPublished, "{message}", "Channel messages accepted by the backend.");
        MessagesReceived = Meter.CreateCounter<long>(RealtimeDiagnostics.ChannelMessagesReceived, "{message}", "Channel messages read by subscribers.");
        PresenceEvents = Meter.CreateCounter<long>(RealtimeDiagnostics.ChannelPresenceEvents, "{event}", "Presence events read by subscribers, by action.");
        DeliveryLatency = Meter.CreateHistogram(RealtimeDiagnostics.ChannelDeliveryLatency, "s", "Time from the backend's message timestamp to its reading by a subscriber.", advice: seconds);
        Errors = Meter.CreateCounter<long>(RealtimeDiagnostics.Errors, "{error}", "Failed operations and subscriptions, by exception type.");
        ConnectionsActive = Meter.CreateUpDownCounter<long>(RealtimeDiagnostics.ConnectionsActive, "{connection}", "Connections currently connected.");
        ConnectionTransitions = Meter.CreateCounter<long>(RealtimeDiagnostics.ConnectionTransitions, "{transition}", "Connection state changes, by new state.");
        ConnectionReconnects = Meter.CreateCounter<long>(RealtimeDiagnostics.ConnectionReconnects, "{reconnect}", "Returns to the connected state after the connection was lost.");
        OperationsPending = Meter.CreateUpDownCounter<long>(RealtimeDiagnostics.OperationsPending, "{operation}", "Operations started and not yet completed (publishes waiting for acknowledgement, writes, presence calls).");
        Meter.CreateObservableGauge(RealtimeDiagnostics.SubscriptionsBuffered, MeasureBuffered, "{event}", "Events buffered in subscriptions, not yet read by their subscribers.");
    }

    public static ActivitySource ActivitySource { get; } = new(RealtimeDiagnostics.Name, typeof(RealtimeInstruments).Assembly.GetName().Version?.ToString());

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public Meter Meter { get; }

    public Histogram<double> StoreOperationDuration { get; }

    public Counter<long> StoreEvents { get; }

    public Histogram<double> StoreWriteLatency { get; }

    public Histogram<double> ChannelPublishDuration { get; }

    public Histogram<double> ChannelOperationDuration { get; }

    public Counter<long> MessagesPublished { get; }

    public Counter<long> MessagesReceived { get; }

    public Counter<long> PresenceEvents { get; }

    public Histogram<double> DeliveryLatency { get; }

    public Counter<long> Errors { get; }

    public UpDownCounter<long> ConnectionsActive { get; }

    public Counter<long> ConnectionTransitions { get; }

    public Counter<long> ConnectionReconnects { get; }

    public UpDownCounter<long> OperationsPending { get; }

    /// <summary>Starts timing an operation (and an activity when someone listens); it counts as pending until it completes.</summary>
    public TelemetryOperation Start(Histogram<double> duration, string providerName, string operation, string activityName) =>
        new(this, duration, providerName, operation, ActivitySource.StartActivity(activityName, ActivityKind.Client), TimeProvider.GetTimestamp());

    /// <summary>One measured call: duration, pending count, activity and failure log around <paramref name="call"/>.</summary>
    public async ValueTask<T> TrackAsync<T>(Histogram<double> duration, string providerName, string operationName, string activityName, Func<ValueTask<T>> call, Action<Activity>? describe = null)
    {
        var operation = Start(duration, providerName, operationName, activityName);
        if (operation.Activity is { } activity)
        {
            describe?.Invoke(activity);
        }

        try
        {
            var result = await call().ConfigureAwait(false);
            operation.Succeeded();
            return result;
        }
        catch (Exception ex)
        {
            operation.Failed(ex);
            throw;
        }
    }

    /// <inheritdoc cref="TrackAsync{T}"/>
    public async ValueTask TrackAsync(Histogram<double> duration, string providerName, string operationName, string activityName, Func<ValueTask> call, Action<Activity>? describe = null) =>
        await TrackAsync(duration, providerName, operationName, activityName, async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, describe).ConfigureAwait(false);

    /// <summary>
    /// Subscribes (attaching is not timed: it may wait for a connection, but its failures count) and passes the
    /// subscription through <see cref="ObservedSubscription{T}"/>: each item read goes to <paramref name="onItem"/>, the
    /// error it ends with is counted and logged.
    /// </summary>
    public async ValueTask<IRealtimeSubscription<T>> SubscribeAsync<T>(string providerName, string operation, Func<ValueTask<IRealtimeSubscription<T>>> subscribe, Action<T> onItem)
    {
        IRealtimeSubscription<T> subscription;
        try
        {
            subscription = await subscribe().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordSubscriptionFailure(providerName, operation, ex);
            throw;
        }

        return new ObservedSubscription<T>(subscription, this, providerName, onItem, ex => RecordSubscriptionFailure(providerName, operation, ex));
    }

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

    /// <summary>Counts <paramref name="subscription"/>'s buffer in the buffered gauge until it is forgotten.</summary>
    public void Track(IBufferedSubscription subscription) => _subscriptions.TryAdd(subscription, 0);

    public void Forget(IBufferedSubscription subscription) => _subscriptions.TryRemove(subscription, out _);

    private IEnumerable<Measurement<long>> MeasureBuffered()
    {
        var byProvider = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var subscription in _subscriptions.Keys)
        {
            byProvider[subscription.ProviderName] = byProvider.GetValueOrDefault(subscription.ProviderName) + subscription.Buffered;
        }

        return byProvider.Select(p => new Measurement<long>(p.Value, new KeyValuePair<string, object?>(RealtimeDiagnostics.ProviderTag, p.Key)));
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
