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
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } };
        options.Ably.Keys.Add("app.other:other-secret");
        options.Ably.Keys.Add(InboundHost.Key);
        options.Ably.WebhookUrls.Add(host.Url);
        options.Ably.WebhookKey = "app.other";
        await using var emulator = await RealtimeEmulator.StartAsync(options, Token);
        await using var all = host.Receiver.SubscribeAll();
        await using var client = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = InboundHost.Key, ClientId = "dave" });

        await client.GetChannel("refused").PublishAsync([new ChannelMessage("x", "y")], Token);

        // Wait for the refusals to be logged (lifecycle + message), then prove nothing reached subscribers with a sentinel.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        while (host.Logs.Lines.Count(l => l.Contains("refused with 401", StringComparison.Ordinal)) < 2)
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }

        var sentinel = System.Text.Encoding.UTF8.GetBytes($$$"""
            {"items":[{"webhookId":"w","source":"channel.lifecycle","timestamp":{{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}}},"name":"channel.opened","data":{"channelId":"sentinel"}}]}
            """);
        Assert.Equal(204, (await host.PostSignedAsync(sentinel, Token)).Status);
        await using var events = all.GetAsyncEnumerator(timeout.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("sentinel", events.Current.Channel);
        Assert.All(host.Logs.Lines, l => Assert.DoesNotContain("other-secret", l, StringComparison.Ordinal));
    }
}
