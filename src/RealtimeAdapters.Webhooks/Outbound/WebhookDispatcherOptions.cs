namespace RealtimeAdapters.Webhooks;

/// <summary>Settings of a <see cref="WebhookDispatcher"/>.</summary>
public sealed class WebhookDispatcherOptions
{
    /// <summary>The endpoints; each event is delivered to each of them.</summary>
    public IList<WebhookEndpoint> Endpoints { get; } = [];

    /// <summary>Attempts per delivery before it is dead-lettered (the first attempt included). 8 by default.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; it doubles after each failure (with jitter). 1 second by default.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts (a <c>Retry-After</c> is honoured up to this). 5 minutes by default.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as failed. 30 seconds by default.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of every wait and timestamp.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Called after each attempt — once a retry's wait has started, so a test driving a fake clock can advance it past
    /// <see cref="WebhookAttempt.NextAttemptAt"/>. An exception it throws is logged and ignored.
    /// </summary>
    public Func<WebhookAttempt, ValueTask>? OnAttempt { get; set; }

    /// <summary>
    /// Where deliveries and dead letters are kept so that they outlive the process (e.g. <see cref="SqliteWebhookOutbox"/>);
    /// in memory only when null (the default). The dispatcher does not dispose it.
    /// </summary>
    public IWebhookOutbox? Outbox { get; set; }

    /// <summary>Creates the dispatcher's meter (the DI registration passes the container's); a meter of its own when null.</summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    internal void Validate()
    {
        if (Endpoints.Count == 0)
        {
            throw new RealtimeValidationException("WebhookDispatcherOptions.Endpoints is empty: add at least one endpoint.", "Endpoints");
        }

        if (MaxAttempts < 1)
        {
            throw new RealtimeValidationException("WebhookDispatcherOptions.MaxAttempts must be at least 1.", "MaxAttempts");
        }

        if (InitialDelay <= TimeSpan.Zero || MaxDelay < InitialDelay || AttemptTimeout <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException(
                "WebhookDispatcherOptions.InitialDelay and AttemptTimeout must be positive, and MaxDelay at least InitialDelay.", "InitialDelay");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
