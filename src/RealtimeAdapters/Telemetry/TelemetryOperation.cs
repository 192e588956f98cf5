using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RealtimeAdapters.Telemetry;

/// <summary>One timed operation: counted as pending until it completes; records its duration, its failure (by exception type) and ends its activity.</summary>
internal readonly struct TelemetryOperation
{
    private readonly RealtimeInstruments _instruments;
    private readonly Histogram<double> _duration;
    private readonly string _providerName;
    private readonly string _operation;
    private readonly long _started;

    public TelemetryOperation(RealtimeInstruments instruments, Histogram<double> duration, string providerName, string operation, Activity? activity, long started)
    {
        _instruments = instruments;
        _duration = duration;
        _providerName = providerName;
        _operation = operation;
        _started = started;
        Activity = activity;
        activity?.SetTag(RealtimeDiagnostics.ProviderTag, providerName);
        activity?.SetTag(RealtimeDiagnostics.OperationTag, operation);
        instruments.OperationsPending.Add(1, PendingTags(providerName, operation));
    }

    public Activity? Activity { get; }

    public void Succeeded() => Complete(null);

    public void Failed(Exception error) => Complete(error);

    private static TagList PendingTags(string providerName, string operation) => new()
    {
        { RealtimeDiagnostics.ProviderTag, providerName },
        { RealtimeDiagnostics.OperationTag, operation },
    };

    private void Complete(Exception? error)
    {
        var elapsed = _instruments.TimeProvider.GetElapsedTime(_started).TotalSeconds;
        var tags = new TagList
        {
            { RealtimeDiagnostics.ProviderTag, _providerName },
            { RealtimeDiagnostics.OperationTag, _operation },
        };
        if (error is not null)
        {
            var type = error.GetType().FullName ?? error.GetType().Name;
            tags.Add(RealtimeDiagnostics.ErrorTypeTag, type);
            _instruments.Errors.Add(1, tags);

            // The status carries the type only: messages may quote paths or data the application considers private.
            Activity?.SetTag(RealtimeDiagnostics.ErrorTypeTag, type);
            Activity?.SetStatus(ActivityStatusCode.Error, type);
            if (error is OperationCanceledException)
            {
                Log.OperationCanceled(_instruments.Logger, _providerName, _operation);
            }
            else
            {
                Log.OperationFailed(_instruments.Logger, _providerName, _operation, type, error);
            }
        }

        _instruments.OperationsPending.Add(-1, PendingTags(_providerName, _operation));
        _duration.Record(elapsed, tags);
        Activity?.Dispose();
    }
}
