using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Webhooks.Tests;

public sealed class WebhookDispatcherTests
{
    private const string Secret = "endpoint-secret";
    private static readonly Uri Url = new("https://hooks.example/in");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
    private readonly Channel<WebhookAttempt> _attempts = Channel.CreateUnbounded<WebhookAttempt>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private WebhookDispatcher Create(ScriptedHandler handler, Action<WebhookDispatcherOptions>? configure = null)
    {
        var options = new WebhookDispatcherOptions
        {
            TimeProvider = _time,
            InitialDelay = TimeSpan.FromSeconds(2),
            MaxDelay = TimeSpan.FromSeconds(60),
            OnAttempt = a => _attempts.Writer.WriteAsync(a),
        };
        options.Endpoints.Add(new WebhookEndpoint(Url, Secret));
        configure?.Invoke(options);
        return new WebhookDispatcher(new HttpClient(handler), options);
    }

    private async Task<WebhookAttempt> NextAttemptAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await _attempts.Reader.ReadAsync(timeout.Token);
    }

    private static async Task<RecordedRequest> NextRequestAsync(ScriptedHandler handler)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await handler.Requests.Reader.ReadAsync(timeout.Token);
    }

    private static JsonElement Data(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public async Task Enqueue_Delivered_BodyIsSignedWithIdempotencyKey()
    {
        var handler = new ScriptedHandler(200);
        await using var dispatcher = Create(handler);

        var id = dispatcher.Enqueue("channel.message", Data("""{"channel":"news","name":"headline"}"""), "msg-1");

        var request = await NextRequestAsync(handler);
        Assert.Equal(WebhookAttemptOutcome.Delivered, (await NextAttemptAsync()).Outcome);
        Assert.Equal("msg-1", id);
        Assert.Equal("msg-1", request.Headers[WebhookSignature.IdHeader]);
        Assert.Equal("msg-1", request.Headers["Idempotency-Key"]);
        var verification = WebhookSignature.Verify(
            Encoding.UTF8.GetBytes(Secret), request.Headers[WebhookSignature.IdHeader], request.Headers[WebhookSignature.TimestampHeader],
            request.Headers[WebhookSignature.SignatureHeader], request.Body, _time.GetUtcNow(), TimeSpan.FromMinutes(5));
        Assert.Equal(WebhookVerification.Valid, verification);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("msg-1", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("channel.message", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("headline", body.RootElement.GetProperty("data").GetProperty("name").GetString());
        Assert.DoesNotContain(Secret, Encoding.UTF8.GetString(request.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enqueue_ServerErrors_RetriedWithBackoffOnTheFakeClockWithTheSameKey()
    {
        var handler = new ScriptedHandler(503, 500, 200);
        await using var dispatcher = Create(handler);

        dispatcher.Enqueue("channel.message", Data("{}"), "msg-2");

        var ids = new List<string>();
        var expectedStep = TimeSpan.FromSeconds(2);
        for (var i = 1; i <= 2; i++)
        {
            ids.Add((await NextRequestAsync(handler)).Headers[WebhookSignature.IdHeader]);
            var attempt = await NextAttemptAsync();
            Assert.Equal(WebhookAttemptOutcome.RetryScheduled, attempt.Outcome);
            Assert.Equal(i, attempt.Attempt);
            var wait = attempt.NextAttemptAt!.Value - _time.GetUtcNow();
            // Equal jitter: between half the step and the whole step, the step doubling each time.
            Assert.InRange(wait, expectedStep / 2, expectedStep);
            Assert.Equal(i, handler.Count);
            _time.Advance(wait - TimeSpan.FromMilliseconds(1));
            Assert.Equal(i, handler.Count);
            _time.Advance(TimeSpan.FromMilliseconds(1));
            expectedStep *= 2;
        }

        ids.Add((await NextRequestAsync(handler)).Headers[WebhookSignature.IdHeader]);
        var last = await NextAttemptAsync();
        Assert.Equal(WebhookAttemptOutcome.Delivered, last.Outcome);
        Assert.Equal(3, last.Attempt);
        Assert.All(ids, id => Assert.Equal("msg-2", id));
        Assert.Empty(dispatcher.DeadLetters);
    }

    [Fact]
    public async Task Enqueue_FailsEveryTime_DeadLetteredAfterMaxAttemptsAndRedeliverable()
    {
        var handler = new ScriptedHandler(500, 500, 500, 200);
        await using var dispatcher = Create(handler, o => o.MaxAttempts = 3);

        dispatcher.Enqueue("channel.presence", Data("{}"), "p-1");
        for (var i = 0; i < 2; i++)
        {
            var attempt = await NextAttemptAsync();
            Assert.Equal(WebhookAttemptOutcome.RetryScheduled, attempt.Outcome);
            _time.Advance(attempt.NextAttemptAt!.Value - _time.GetUtcNow());
        }

        var final = await NextAttemptAsync();
        Assert.Equal(WebhookAttemptOutcome.DeadLettered, final.Outcome);
        var dead = Assert.Single(dispatcher.DeadLetters);
        Assert.Equal(("p-1", "channel.presence", 3, 500), (dead.DeliveryId, dead.EventType, dead.Attempts, dead.LastStatusCode));
        Assert.Equal(Url, dead.Endpoint);

        Assert.True(dispatcher.Redeliver(dead));
        Assert.Equal(WebhookAttemptOutcome.Delivered, (await NextAttemptAsync()).Outcome);
        Assert.Empty(dispatcher.DeadLetters);
        Assert.False(dispatcher.Redeliver(dead));
        Assert.Equal(4, handler.Count);
    }

    [Fact]
    public async Task Enqueue_PermanentClientError_DeadLetteredWithoutRetry()
    {
        var handler = new ScriptedHandler(400, 200);
        await using var dispatcher = Create(handler);

        dispatcher.Enqueue("store.value", Data("{}"));

        var attempt = await NextAttemptAsync();
        Assert.Equal((WebhookAttemptOutcome.DeadLettered, 1, 400), (attempt.Outcome, attempt.Attempt, attempt.StatusCode));
        Assert.Single(dispatcher.DeadLetters);
        Assert.Equal(1, handler.Count);
    }

    [Fact]
    public async Task Backoff_DoublesFromInitialDelayWithinJitterAndIsCapped()
    {
        await using var dispatcher = Create(new ScriptedHandler(200));
        dispatcher.Jitter = () => 0;
        Assert.Equal(TimeSpan.FromSeconds(1), dispatcher.Backoff(1, null));
        Assert.Equal(TimeSpan.FromSeconds(4), dispatcher.Backoff(3, null));
        Assert.Equal(TimeSpan.FromSeconds(30), dispatcher.Backoff(20, null));
        dispatcher.Jitter = () => 0.999999;
        Assert.InRange(dispatcher.Backoff(2, null), TimeSpan.FromSeconds(3.99), TimeSpan.FromSeconds(4));
        Assert.InRange(dispatcher.Backoff(20, null), TimeSpan.FromSeconds(59.9), TimeSpan.FromSeconds(60));
        // Retry-After is honoured, up to the cap.
        Assert.Equal(TimeSpan.FromSeconds(10), dispatcher.Backoff(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(60), dispatcher.Backoff(1, TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task ForwardMessagesAndPresence_InMemoryChannel_DeliveredWithMessageIdAsKey()
    {
        var handler = new ScriptedHandler(200);
        await using var dispatcher = Create(handler);
        await using var client = new InMemoryChannelClient(new InMemoryChannelHub(), new InMemoryChannelClientOptions { ClientId = "alice" });
        var channel = client.GetChannel("rooms:1");
        await using var messages = await dispatcher.ForwardMessagesAsync(channel, Token);
        await using var presence = await dispatcher.ForwardPresenceAsync(channel, Token);

        await channel.PublishAsync([new ChannelMessage("said", "hello") { Id = "fixed-id" }], Token);
        var message = await NextRequestAsync(handler);
        await channel.Presence.EnterAsync("here", Token);
        var entered = await NextRequestAsync(handler);

        Assert.Equal("fixed-id", message.Headers[WebhookSignature.IdHeader]);
        using var m = JsonDocument.Parse(message.Body);
        Assert.Equal("channel.message", m.RootElement.GetProperty("type").GetString());
        Assert.Equal("rooms:1", m.RootElement.GetProperty("data").GetProperty("channel").GetString());
        Assert.Equal("hello", m.RootElement.GetProperty("data").GetProperty("data").GetString());
        using var p = JsonDocument.Parse(entered.Body);
        Assert.Equal("channel.presence", p.RootElement.GetProperty("type").GetString());
        Assert.Equal("enter", p.RootElement.GetProperty("data").GetProperty("action").GetString());
        Assert.Equal("alice", p.RootElement.GetProperty("data").GetProperty("clientId").GetString());
    }

    [Fact]
    public async Task ForwardStore_InMemoryStore_ChildAddedDelivered()
    {
        var handler = new ScriptedHandler(200);
        await using var dispatcher = Create(handler);
        await using var store = new InMemoryRealtimeStore();
        await using var forwarding = await dispatcher.ForwardStoreAsync(store, RealtimeQuery.At("todos"), Token);

        await store.SetAsync("todos/a", DataNode.FromValue(new { title = "milk" }), Token);

        var types = new List<string>();
        JsonElement added = default;
        while (!types.Contains("store.child_added"))
        {
            var request = await NextRequestAsync(handler);
            using var body = JsonDocument.Parse(request.Body);
            types.Add(body.RootElement.GetProperty("type").GetString()!);
            if (types[^1] == "store.child_added")
            {
                added = body.RootElement.GetProperty("data").Clone();
            }
        }

        Assert.Equal("/todos/a", added.GetProperty("path").GetString());
        Assert.Equal("milk", added.GetProperty("value").GetProperty("title").GetString());
    }
}
