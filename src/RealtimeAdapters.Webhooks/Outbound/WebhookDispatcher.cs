using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RealtimeAdapters.Webhooks;

/// <summary>
/// Delivers events to HTTP endpoints at least once: each event is posted to every endpoint as JSON
/// (<c>{"id","type","timestamp","data"}</c>), signed (<see cref="WebhookSignature"/>), with its id as the idempotency key
/// (<c>webhook-id</c> and <c>Idempotency-Key</c>, the same on every attempt). Failures are retried with exponential
/// backoff and jitter on the injected clock; after <see cref="WebhookDispatcherOptions.MaxAttempts"/> (or a permanent
/// 4xx) the delivery goes to <see cref="DeadLetters"/>. Each endpoint is served in order by its own worker, so a failing
/// endpoint delays only its own later deliveries. With an <see cref="WebhookDispatcherOptions.Outbox"/> deliveries and dead
/// letters outlive the process. Instrumented on the meter and activity source <see cref="DiagnosticsName"/>.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    /// <summary>The name of the dispatcher's meter and activity source (add it to OpenTelemetry's metrics and tracing).</summary>
    public const string DiagnosticsName = "RealtimeAdapters.Webhooks";

    private readonly HttpClient _http;
    private readonly WebhookDispatcherOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly (WebhookEndpoint Endpoint, Channel<Delivery> Queue)[] _queues;
    private readonly Task[] _workers;
    private readonly List<WebhookDeadLetter> _deadLetters = [];
    private readonly Lock _deadLettersGate = new();
    private readonly IWebhookOutbox? _outbox;
    private readonly WebhookTelemetry _telemetry;
    private long _pending;
    private int _disposed;

    /// <summary>Creates a dispatcher and starts one worker per endpoint.</summary>
    /// <param name="http">The HTTP client (not disposed by the dispatcher).</param>
    /// <param name="options">Endpoints, retry policy and clock.</param>
    /// <param name="logger">Where attempts are logged (URLs and statuses, never secrets or bodies).</param>
    /// <exception cref="RealtimeValidationException">An option is invalid; the message names it.</exception>
    public WebhookDispatcher(HttpClient http, WebhookDispatcherOptions options, ILogger<WebhookDispatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = http;
        _options = options;
        _time = options.TimeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _outbox = options.Outbox;
        _queues = [.. options.Endpoints.Select(e => (e, Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true })))];
        _telemetry = new WebhookTelemetry(options.MeterFactory, () => Volatile.Read(ref _pending), () =>
        {
            lock (_deadLettersGate)
            {
                return _deadLetters.Count;
            }
        });
        if (_outbox is not null)
        {
            Restore(_outbox);
        }

        _workers = [.. _queues.Select(q => Task.Run(() => RunAsync(q.Endpoint, q.Queue.Reader)))];
    }

    /// <summary>The source of jitter, a number in [0, 1). A test seam.</summary>
    internal Func<double> Jitter { get; set; } = Random.Shared.NextDouble;

    /// <summary>The deliveries given up, oldest first.</summary>
    public IReadOnlyList<WebhookDeadLetter> DeadLetters
    {
        get
        {
            lock (_deadLettersGate)
            {
                return [.. _deadLetters];
            }
        }
    }

    /// <summary>Queues an event for every endpoint.</summary>
    /// <param name="eventType">The event type, e.g. <c>channel.message</c>.</param>
    /// <param name="data">The event's data.</param>
    /// <param name="id">
    /// The idempotency key; pass a stable id (such as a message id) so that forwarding the same event twice gives the
    /// receiver the same key. A new one when omitted.
    /// </param>
    /// <returns>The delivery id.</returns>
    /// <exception cref="ObjectDisposedException">The dispatcher is disposed.</exception>
    public string Enqueue(string eventType, JsonElement data, string? id = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventType);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        id ??= Guid.NewGuid().ToString("N");
        var body = Serialize(id, eventType, _time.GetUtcNow(), data);

        // Recorded before it is queued (and before the caller hears of it): once Enqueue returns, a crash cannot lose it.
        _outbox?.Add([.. _queues.Select(q => new WebhookOutboxEntry(id, eventType, q.Endpoint.Url, body))]);
        foreach (var (_, queue) in _queues)
        {
            Queue(queue, new Delivery(id, eventType, body));
        }

        return id;
    }

    /// <summary>Takes a dead letter off the list and queues it again, with a fresh count of attempts and the same id.</summary>
    /// <param name="deadLetter">One of <see cref="DeadLetters"/>.</param>
    /// <returns><see langword="false"/> when it is no longer on the list.</returns>
    public bool Redeliver(WebhookDeadLetter deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var queue = _queues.FirstOrDefault(q => q.Endpoint.Url == deadLetter.Endpoint).Queue;
        lock (_deadLettersGate)
        {
            if (queue is null || !_deadLetters.Remove(deadLetter))
            {
                return false;
            }

            _outbox?.MoveToPending(deadLetter);
        }

        return Queue(queue, new Delivery(deadLetter.DeliveryId, deadLetter.EventType, deadLetter.Body));
    }

    /// <summary>Stops the workers; queued and retrying deliveries are abandoned (not dead-lettered).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var (_, queue) in _queues)
        {
            queue.Writer.TryComplete();
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        _stopping.Dispose();
        _telemetry.Dispose();
    }

    internal TimeSpan Backoff(int failedAttempts, TimeSpan? retryAfter)
    {
        // Exponential, capped, with "equal jitter": half the step is fixed, half random, so that endpoints recovering
        // from an outage are not hit by every retry at once.
        var step = Math.Min(_options.MaxDelay.Ticks, _options.InitialDelay.Ticks * Math.Pow(2, failedAttempts - 1));
        var delay = TimeSpan.FromTicks((long)((step / 2) + (step / 2 * Jitter())));
        if (retryAfter is { } after && after > delay)
        {
            delay = after < _options.MaxDelay ? after : _options.MaxDelay;
        }

        return delay;
    }

    /// <summary>Takes the outbox's dead letters and queues its pending deliveries again, for the endpoints configured now.</summary>
    private void Restore(IWebhookOutbox outbox)
    {
        _deadLetters.AddRange(outbox.GetDeadLetters());
        foreach (var entry in outbox.GetPending())
        {
            var queue = _queues.FirstOrDefault(q => q.Endpoint.Url == entry.Endpoint).Queue;
            if (queue is null)
            {
                // An endpoint removed from the configuration: kept in the outbox, reported, not sent anywhere else.
                Log.PendingForUnknownEndpoint(_logger, entry.DeliveryId);
                continue;
            }

            Queue(queue, new Delivery(entry.DeliveryId, entry.EventType, entry.Body));
        }
    }

    private bool Queue(Channel<Delivery> queue, Delivery delivery)
    {
        if (!queue.Writer.TryWrite(delivery))
        {
            return false;
        }

        Interlocked.Increment(ref _pending);
        return true;
    }

    private static ReadOnlyMemory<byte> Serialize(string id, string eventType, DateTimeOffset timestamp, JsonElement data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", id);
            writer.WriteString("type", eventType);
            writer.WriteString("timestamp", timestamp);
            writer.WritePropertyName("data");
            data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private async Task RunAsync(WebhookEndpoint endpoint, ChannelReader<Delivery> reader)
    {
        try
        {
            await foreach (var delivery in reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                await DeliverAsync(endpoint, delivery, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(WebhookEndpoint endpoint, Delivery delivery, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var activity = WebhookTelemetry.StartAttempt(endpoint, delivery.Id, delivery.EventType, attempt);
            var started = _time.GetTimestamp();
            var (status, error, retryable, retryAfter) = await PostAsync(endpoint, delivery, cancellationToken).ConfigureAwait(false);
            var outcome = error is null ? WebhookAttemptOutcome.Delivered
                : !retryable || attempt >= _options.MaxAttempts ? WebhookAttemptOutcome.DeadLettered
                : WebhookAttemptOutcome.RetryScheduled;
            _telemetry.Record(endpoint, outcome, status, _time.GetElapsedTime(started), activity);
            if (outcome != WebhookAttemptOutcome.RetryScheduled)
            {
                Interlocked.Decrement(ref _pending);
            }

            if (outcome == WebhookAttemptOutcome.Delivered)
            {
                _outbox?.Remove(delivery.Id, endpoint.Url);
                Log.Delivered(_logger, delivery.Id, endpoint.LoggedUrl, attempt);
                await ReportAsync(new WebhookAttempt(delivery.Id, endpoint.Url, attempt, WebhookAttemptOutcome.Delivered, status, null, null)).ConfigureAwait(false);
                return;
            }

            if (outcome == WebhookAttemptOutcome.DeadLettered)
            {
                Log.DeadLettered(_logger, delivery.Id, endpoint.LoggedUrl, attempt, error!);
                var deadLetter = new WebhookDeadLetter(delivery.Id, delivery.EventType, endpoint.Url, delivery.Body, attempt, status, error, _time.GetUtcNow());
                lock (_deadLettersGate)
                {
                    _outbox?.MoveToDeadLetters(deadLetter);
                    _deadLetters.Add(deadLetter);
                }

                await ReportAsync(new WebhookAttempt(delivery.Id, endpoint.Url, attempt, WebhookAttemptOutcome.DeadLettered, status, error, null)).ConfigureAwait(false);
                return;
            }

            var delay = Backoff(attempt, retryAfter);
            var next = _time.GetUtcNow() + delay;
            // The wait is armed before observers hear of it, so a fake clock advanced from OnAttempt wakes it.
            var wait = Task.Delay(delay, _time, cancellationToken);
            Log.RetryScheduled(_logger, delivery.Id, endpoint.LoggedUrl, attempt, error!, delay);
            await ReportAsync(new WebhookAttempt(delivery.Id, endpoint.Url, attempt, WebhookAttemptOutcome.RetryScheduled, status, error, next)).ConfigureAwait(false);
            await wait.ConfigureAwait(false);
        }
    }

    private async Task<(int? Status, string? Error, bool Retryable, TimeSpan? RetryAfter)> PostAsync(
        WebhookEndpoint endpoint, Delivery delivery, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url);
        request.Content = new ReadOnlyMemoryContent(delivery.Body);
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        var now = _time.GetUtcNow();
        request.Headers.Add(WebhookSignature.IdHeader, delivery.Id);
        request.Headers.Add("Idempotency-Key", delivery.Id);
        request.Headers.Add(WebhookSignature.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(endpoint.Secret, delivery.Id, now, delivery.Body.Span));
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return (status, null, false, null);
            }

            var retryable = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - now,
                _ => (TimeSpan?)null,
            };
            return (status, $"HTTP {status}", retryable, retryAfter);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"no response within {_options.AttemptTimeout}", true, null);
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and the failure, not headers or the body.
            return (null, ex.HttpRequestError + ": " + ex.Message, true, null);
        }
    }

    private async ValueTask ReportAsync(WebhookAttempt attempt)
    {
        if (_options.OnAttempt is not { } callback)
        {
            return;
        }

        try
        {
            await callback(attempt).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An observer's failure must not stop deliveries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ObserverFailed(_logger, ex);
        }
    }

    private sealed record Delivery(string Id, string EventType, ReadOnlyMemory<byte> Body);
}
