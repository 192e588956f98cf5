using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Webhooks.Tests;

/// <summary>Deliveries that outlive the process (the SQLite outbox), the dispatcher's metrics, and its DI registration.</summary>
public sealed class WebhookOutboxTests : IDisposable
{
    private static readonly Uri Url = new("https://hooks.example/in");
    private readonly string _path = Path.Combine(Path.GetTempPath(), "webhook-outbox-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
    private readonly Channel<WebhookAttempt> _attempts = Channel.CreateUnbounded<WebhookAttempt>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private WebhookDispatcher Create(ScriptedHandler handler, IWebhookOutbox outbox, IMeterFactory? meterFactory = null)
    {
        var options = new WebhookDispatcherOptions
        {
            TimeProvider = _time,
            MaxAttempts = 3,
            Outbox = outbox,
            MeterFactory = meterFactory,
            OnAttempt = a => _attempts.Writer.WriteAsync(a),
        };
        options.Endpoints.Add(new WebhookEndpoint(Url, "secret"));
        return new WebhookDispatcher(new HttpClient(handler), options);
    }

    private async Task<WebhookAttempt> NextAttemptAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await _attempts.Reader.ReadAsync(timeout.Token);
    }

    private static JsonElement Data(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task ProcessStopsWhileRetrying_NextDispatcherOverTheSameFileDeliversWithTheSameKey()
    {
        using (var outbox = new SqliteWebhookOutbox(_path))
        {
            await using var first = Create(new ScriptedHandler(503), outbox);
            first.Enqueue("order.paid", Data("""{"order":7}"""), "order-7");
            Assert.Equal(WebhookAttemptOutcome.RetryScheduled, (await NextAttemptAsync()).Outcome);
        }

        // A new process: a new outbox over the file, an endpoint that now answers.
        using var reopened = new SqliteWebhookOutbox(_path);
        Assert.Equal("order-7", Assert.Single(reopened.GetPending()).DeliveryId);
        var handler = new ScriptedHandler(200);
        await using var second = Create(handler, reopened);

        var attempt = await NextAttemptAsync();
        Assert.Equal((WebhookAttemptOutcome.Delivered, "order-7"), (attempt.Outcome, attempt.DeliveryId));
        Assert.True(handler.Requests.Reader.TryRead(out var request));
        Assert.Equal("order-7", request.Headers["Idempotency-Key"]);
        Assert.Equal(7, JsonDocument.Parse(request.Body).RootElement.GetProperty("data").GetProperty("order").GetInt32());
        Assert.Empty(reopened.GetPending());
    }

    [Fact]
    public async Task DeadLetter_KeptAcrossRestart_RedeliveredFromTheNextDispatcher()
    {
        using (var outbox = new SqliteWebhookOutbox(_path))
        {
            await using var first = Create(new ScriptedHandler(410), outbox);
            first.Enqueue("order.paid", Data("{}"), "order-8");
            Assert.Equal(WebhookAttemptOutcome.DeadLettered, (await NextAttemptAsync()).Outcome);
        }

        using var reopened = new SqliteWebhookOutbox(_path);
        Assert.Empty(reopened.GetPending());
        await using var second = Create(new ScriptedHandler(200), reopened);
        var letter = Assert.Single(second.DeadLetters);
        Assert.Equal(("order-8", 410, 1), (letter.DeliveryId, letter.LastStatusCode, letter.Attempts));

        Assert.True(second.Redeliver(letter));
        Assert.Equal(WebhookAttemptOutcome.Delivered, (await NextAttemptAsync()).Outcome);
        Assert.Empty(second.DeadLetters);
        Assert.Empty(reopened.GetDeadLetters());
        Assert.Empty(reopened.GetPending());
        Assert.False(second.Redeliver(letter));
    }

    [Fact]
    public async Task Attempts_CountedByOutcome_PendingAndDeadLettersObserved()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var counts = new Dictionary<string, long>();
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == WebhookDispatcher.DiagnosticsName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (counts)
            {
                if (instrument.Name == "realtime.webhook.attempts")
                {
                    var outcome = (string)tags.ToArray().Single(t => t.Key == "realtime.webhook.outcome").Value!;
                    counts[outcome] = counts.GetValueOrDefault(outcome) + value;
                }
                else
                {
                    observed[instrument.Name] = value;
                }
            }
        });
        listener.Start();

        using var outbox = new SqliteWebhookOutbox(_path);
        await using var dispatcher = Create(new ScriptedHandler(503, 200, 400), outbox, factory);
        dispatcher.Enqueue("a", Data("{}"), "a-1");
        var retry = await NextAttemptAsync();
        Assert.Equal(WebhookAttemptOutcome.RetryScheduled, retry.Outcome);
        listener.RecordObservableInstruments();
        Assert.Equal(1, observed["realtime.webhook.pending"]);

        _time.Advance(retry.NextAttemptAt!.Value - _time.GetUtcNow());
        Assert.Equal(WebhookAttemptOutcome.Delivered, (await NextAttemptAsync()).Outcome);
        dispatcher.Enqueue("b", Data("{}"), "b-1");
        Assert.Equal(WebhookAttemptOutcome.DeadLettered, (await NextAttemptAsync()).Outcome);

        listener.RecordObservableInstruments();
        Assert.Equal(new Dictionary<string, long> { ["retry_scheduled"] = 1, ["delivered"] = 1, ["dead_lettered"] = 1 }, counts);
        Assert.Equal(0, observed["realtime.webhook.pending"]);
        Assert.Equal(1, observed["realtime.webhook.dead_letters"]);
    }

    [Fact]
    public async Task AddWebhookDispatcher_PostsThroughTheNamedHttpClient_InvalidOptionsFailAtStart()
    {
        var handler = new ScriptedHandler(200);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddWebhookDispatcher(o => o.Endpoints.Add(new WebhookEndpoint(Url, "secret")))
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        using var host = builder.Build();
        await host.StartAsync(Token);
        var dispatcher = host.Services.GetRequiredService<WebhookDispatcher>();

        dispatcher.Enqueue("ping", Data("{}"), "ping-1");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var request = await handler.Requests.Reader.ReadAsync(timeout.Token);
        Assert.Equal(Url, request.Url);
        await host.StopAsync(Token);

        var invalid = Host.CreateApplicationBuilder();
        invalid.Services.AddWebhookDispatcher(_ => { });
        using var invalidHost = invalid.Build();
        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => invalidHost.StartAsync(Token));
        Assert.Contains("Endpoints", error.Message, StringComparison.Ordinal);
    }
}
