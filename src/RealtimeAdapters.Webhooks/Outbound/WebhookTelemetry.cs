using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RealtimeAdapters.Webhooks;

/// <summary>
/// The dispatcher's instruments, on a meter and an activity source named <see cref="WebhookDispatcher.DiagnosticsName"/>:
/// attempts by outcome, attempt durations, deliveries pending and dead letters, and one <c>webhook deliver</c> activity
/// per attempt (the HTTP client's own span nests under it).
/// </summary>
internal sealed class WebhookTelemetry : IDisposable
{
    public const string AttemptsName = "realtime.webhook.attempts";
    public const string AttemptDurationName = "realtime.webhook.attempt.duration";
    public const string PendingName = "realtime.webhook.pending";
    public const string DeadLettersName = "realtime.webhook.dead_letters";
    public const string OutcomeTag = "realtime.webhook.outcome";

    private static readonly ActivitySource Source = new(WebhookDispatcher.DiagnosticsName);
    private readonly Meter? _ownedMeter;

    public WebhookTelemetry(IMeterFactory? meterFactory, Func<long> pending, Func<long> deadLetters)
    {
        var meter = meterFactory?.Create(WebhookDispatcher.DiagnosticsName) ?? (_ownedMeter = new Meter(WebhookDispatcher.DiagnosticsName));
        Attempts = meter.CreateCounter<long>(AttemptsName, "{attempt}", "Delivery attempts, by outcome (delivered, retry_scheduled, dead_lettered) and server.address.");
        AttemptDuration = meter.CreateHistogram(AttemptDurationName, "s", "Duration of delivery attempts, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        meter.CreateObservableUpDownCounter(PendingName, pending, "{delivery}", "Deliveries queued or waiting for a retry.");
        meter.CreateObservableUpDownCounter(DeadLettersName, deadLetters, "{delivery}", "Deliveries given up and kept for redelivery.");
    }

    public Counter<long> Attempts { get; }

    public Histogram<double> AttemptDuration { get; }

    public static Activity? StartAttempt(WebhookEndpoint endpoint, string deliveryId, string eventType, int attempt)
    {
        var activity = Source.StartActivity("webhook deliver", ActivityKind.Producer);
        if (activity is not null)
        {
            activity.SetTag("server.address", endpoint.Url.Host);
            activity.SetTag("realtime.webhook.delivery_id", deliveryId);
            activity.SetTag("realtime.webhook.event_type", eventType);
            activity.SetTag("realtime.webhook.attempt", attempt);
        }

        return activity;
    }

    public void Record(WebhookEndpoint endpoint, WebhookAttemptOutcome outcome, int? status, TimeSpan duration, Activity? activity)
    {
        var outcomeName = outcome switch
        {
            WebhookAttemptOutcome.Delivered => "delivered",
            WebhookAttemptOutcome.RetryScheduled => "retry_scheduled",
            _ => "dead_lettered",
        };
        var tags = new TagList { { OutcomeTag, outcomeName }, { "server.address", endpoint.Url.Host } };
        if (status is { } code)
        {
            tags.Add("http.response.status_code", code);
        }

        Attempts.Add(1, tags);
        AttemptDuration.Record(duration.TotalSeconds, tags);
        if (activity is not null)
        {
            activity.SetTag(OutcomeTag, outcomeName);
            if (status is { } s)
            {
                activity.SetTag("http.response.status_code", s);
            }

            if (outcome != WebhookAttemptOutcome.Delivered)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }

    public void Dispose() => _ownedMeter?.Dispose();
}
