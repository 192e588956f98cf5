using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace RealtimeAdapters.Tests.Telemetry;

/// <summary>Records the measurements of the RealtimeAdapters meter created by one container's meter factory (tests run in parallel).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();

    public MetricRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RealtimeDiagnostics.Name && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                Units[instrument.Name] = instrument.Unit;
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private TaskCompletionSource _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentDictionary<string, string?> Units { get; } = new();

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public IReadOnlyList<Measurement> Get(string instrument) => Measurements.Where(m => m.Instrument == instrument).ToList();

    /// <summary>Asks the observable instruments (gauges) for their current values.</summary>
    public void RecordObservableInstruments() => _listener.RecordObservableInstruments();

    /// <summary>Waits until <paramref name="condition"/> holds over the measurements, re-checking after each new one.</summary>
    public async Task WaitForAsync(Func<MetricRecorder, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            var next = Volatile.Read(ref _recorded).Task;
            if (condition(this))
            {
                return;
            }

            await next.WaitAsync(deadline.Token);
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        Interlocked.Exchange(ref _recorded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public void Dispose() => _listener.Dispose();

    internal sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
}
