using Microsoft.Extensions.Logging;
using RealtimeAdapters.Ably;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Webhooks.Tests;

/// <summary>End to end: the emulator sends Ably-format webhooks, signed as Ably signs them, to the inbound endpoint.</summary>
public sealed class EmulatorWebhookTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmulatorPublishAndPresence_WebhooksVerifiedAndTurnedIntoEvents()
    {
        await using var host = await InboundHost.StartAsync(null, Token);
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } };
        options.Ably.Keys.Add(InboundHost.Key);
        options.Ably.WebhookUrls.Add(host.Url);
        await using var emulator = await RealtimeEmulator.StartAsync(options, Token);
        await using var all = host.Receiver.SubscribeAll();
        await using var messages = host.Receiver.SubscribeMessages("game:1");
        await using var presence = host.Receiver.SubscribePresence("game:1");
        await using var client = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = InboundHost.Key, ClientId = "carol" });
        var channel = client.GetChannel("game:1");

        await channel.PublishAsync([new ChannelMessage("move", MessageData.From(new { x = 3 }))], Token);
        await channel.Presence.EnterAsync("ready", Token);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await using var events = all.GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(("game:1", "channel.opened"), (events.Current.Channel, events.Current.Lifecycle?.Name));

        await using var m = messages.GetAsyncEnumerator(timeout.Token);
        Assert.True(await m.MoveNextAsync());
        Assert.Equal(("move", "carol"), (m.Current.Name, m.Current.ClientId));
        Assert.Equal(3, m.Current.Data.AsJson().GetProperty("x").GetInt32());
        Assert.NotNull(m.Current.Id);
        Assert.NotNull(m.Current.Timestamp);

        await using var p = presence.GetAsyncEnumerator(timeout.Token);
        Assert.True(await p.MoveNextAsync());
        Assert.Equal((PresenceAction.Enter, "carol", "ready"), (p.Current.Action, p.Current.ClientId, p.Current.Data.AsString()));
        Assert.DoesNotContain(host.Logs.Lines, line => line.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmulatorSignsWithAnotherKey_EndpointRefusesAndNothingIsProcessed()
    {
        // The endpoint knows app.hooks; the emulator signs with app.other (its first key): every delivery is refused.
        await using var host = await InboundHost.StartAsync(null, Token);
        var emulatorLogs = new LogCapture();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(emulatorLogs).SetMinimumLevel(LogLevel.Debug));
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 }, LoggerFactory = loggerFactory };
        options.Ably.Keys.Add("app.other:other-secret");
        options.Ably.Keys.Add(InboundHost.Key);
        options.Ably.WebhookUrls.Add(host.Url);
        options.Ably.WebhookKey = "app.other";
        await using var emulator = await RealtimeEmulator.StartAsync(options, Token);
        await using var all = host.Receiver.SubscribeAll();
        await using var client = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = InboundHost.Key, ClientId = "dave" });

        await client.GetChannel("refused").PublishAsync([new ChannelMessage("x", "y")], Token);

        // Wait until the emulator has had both items (lifecycle + message) refused — in one request or two; a 4xx is
        // final, not retried — then prove nothing reached subscribers with a sentinel.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await emulatorLogs.WaitAsync(lines => ItemsLogged(lines, "refused") >= 2, timeout.Token);
        Assert.Contains(emulatorLogs.Lines, l => l.Contains("HTTP 401", StringComparison.Ordinal));

        var sentinel = System.Text.Encoding.UTF8.GetBytes($$$"""
            {"items":[{"webhookId":"w","source":"channel.lifecycle","timestamp":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"name":"channel.opened","data":{"channelId":"sentinel"}}]}
            """);
        Assert.Equal(204, (await host.PostSignedAsync(sentinel, Token)).Status);
        await using var events = all.GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("sentinel", events.Current.Channel);
        Assert.All(host.Logs.Lines, l => Assert.DoesNotContain("other-secret", l, StringComparison.Ordinal));
        Assert.All(emulatorLogs.Lines, l => Assert.DoesNotContain("other-secret", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EndpointAnswers503_SameDeliveryRetriedAndProcessedOnce()
    {
        // The first two requests fail as an overloaded endpoint does; the service retries 5xx with the same body.
        await using var host = await InboundHost.StartAsync(null, Token, n => n <= 2 ? 503 : null);
        var emulatorLogs = new LogCapture();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(emulatorLogs).SetMinimumLevel(LogLevel.Debug));
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0, WebhookRetryDelay = TimeSpan.FromMilliseconds(50) }, LoggerFactory = loggerFactory };
        options.Ably.Keys.Add(InboundHost.Key);
        options.Ably.WebhookUrls.Add(new Uri(host.Url + "?code=function-secret"));
        await using var emulator = await RealtimeEmulator.StartAsync(options, Token);
        await using var all = host.Receiver.SubscribeAll();
        await using var client = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = InboundHost.Key, ClientId = "erin" });

        var channel = client.GetChannel("retried");
        for (var i = 0; i < 20; i++)
        {
            await channel.PublishAsync([new ChannelMessage("n", MessageData.From(i))], Token);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var received = new List<string>();
        await foreach (var e in all.WithCancellation(timeout.Token))
        {
            received.Add(e.Lifecycle?.Name ?? e.Message!.Data.AsJson().GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (received.Count == 21)
            {
                break;
            }
        }

        // Every event once, in order, although some requests failed and the later events were batched behind them.
        Assert.Equal(["channel.opened", .. Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))], received);
        Assert.Contains(emulatorLogs.Lines, l => l.Contains("HTTP 503; retrying", StringComparison.Ordinal));
        await emulatorLogs.WaitAsync(lines => ItemsLogged(lines, "delivered") >= 21, timeout.Token);
        Assert.Equal(21, ItemsLogged(emulatorLogs.Lines, "delivered"));
        Assert.All(emulatorLogs.Lines, l => Assert.DoesNotContain("function-secret", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LastClientDetaches_ChannelClosedAfterIdle_NextUseOpensAgain()
    {
        await using var host = await InboundHost.StartAsync(null, Token);
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0, WebhookChannelIdle = TimeSpan.FromMilliseconds(200) } };
        options.Ably.Keys.Add(InboundHost.Key);
        options.Ably.WebhookUrls.Add(host.Url);
        await using var emulator = await RealtimeEmulator.StartAsync(options, Token);
        await using var all = host.Receiver.SubscribeAll();
        await using var client = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = InboundHost.Key, ClientId = "fay" });
        var channel = client.GetChannel("room");

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        await using var events = all.GetAsyncEnumerator(timeout.Token);
        await channel.Presence.EnterAsync("here", Token);
        Assert.Equal("channel.opened", await NextLifecycleAsync(events));

        // Present and attached: the channel stays open however long the idle time; leaving and detaching closes it.
        await channel.Presence.LeaveAsync(default, Token);
        await client.DetachAsync("room", Token);
        Assert.Equal("channel.closed", await NextLifecycleAsync(events));
        Assert.Equal("room", events.Current.Channel);

        await channel.PublishAsync([new ChannelMessage("again", "1")], Token);
        Assert.Equal("channel.opened", await NextLifecycleAsync(events));
    }

    [Fact]
    public async Task AttachAndEnter_OccupancyChangesReported_AsTheChannelDetailsSay()
    {
        await using var host = await InboundHost.StartAsync(null, Token);
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0, WebhookChannelIdle = TimeSpan.FromMilliseconds(200) } };
        options.Ably.Keys.Add(InboundHost.Key);
        options.Ably.WebhookUrls.Add(host.Url);
        await using var emulator = await RealtimeEmulator.StartAsync(options, Token);
        await using var occupancy = host.Receiver.SubscribeOccupancy("lobby");
        await using var client = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = InboundHost.Key, ClientId = "gus" });

        await client.GetChannel("lobby").Presence.EnterAsync("hi", Token);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        ChannelOccupancyEvent? seen = null;
        await foreach (var e in occupancy.WithCancellation(timeout.Token))
        {
            seen = e;
            if (e is { Connections: 1, PresenceMembers: 1 })
            {
                break;
            }
        }

        Assert.Equal(("lobby", 1L, 1L, 1L, 1L), (seen!.Channel, seen.PresenceConnections, seen.Publishers, seen.Subscribers, seen.PresenceSubscribers));
        Assert.NotNull(seen.Timestamp);

        // Leaving and detaching empties it: reported as such before the channel closes.
        await client.GetChannel("lobby").Presence.LeaveAsync(default, Token);
        await client.DetachAsync("lobby", Token);
        await foreach (var e in occupancy.WithCancellation(timeout.Token))
        {
            if (e is { Connections: 0, PresenceMembers: 0 })
            {
                break;
            }
        }
    }

    private static async Task<string> NextLifecycleAsync(IAsyncEnumerator<AblyWebhookEvent> events)
    {
        while (await events.MoveNextAsync())
        {
            if (events.Current.Lifecycle is { } lifecycle)
            {
                return lifecycle.Name;
            }
        }

        throw new InvalidOperationException("The events ended.");
    }

    /// <summary>The items the emulator logged as refused or delivered (one log line per request).</summary>
    private static int ItemsLogged(IEnumerable<string> lines, string outcome) => lines
        .Select(l => System.Text.RegularExpressions.Regex.Match(l, "^Ably webhook to \\S+ " + outcome + " \\((\\d+) items"))
        .Where(m => m.Success)
        .Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
}
