using System.Text;

namespace RealtimeAdapters.Webhooks.Tests;

public sealed class AblyWebhookEndpointTests : IAsyncLifetime
{
    private InboundHost _host = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await InboundHost.StartAsync(o => o.MaxBodyBytes = 4096, Token);

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A batched delivery of one message, as Ably's integration rules send it.</summary>
    private static byte[] MessageDelivery(string name, string data, long? timestamp = null, string channel = "orders") =>
        Encoding.UTF8.GetBytes($$$"""
            {"items":[{"webhookId":"AbCdEf","source":"channel.message","serial":"AbCdEf:1","timestamp":{{{timestamp ?? NowMs}}},
             "name":"channel.message","data":{"channelId":"{{{channel}}}","site":"eu-west-1-A",
             "messages":[{"id":"m:{{{name}}}","name":"{{{name}}}","clientId":"bob","connectionId":"c1","timestamp":{{{timestamp ?? NowMs}}},"data":"{{{data}}}"}]}}]}
            """);

    private static async Task<T> FirstAsync<T>(IRealtimeSubscription<T> subscription)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var e = subscription.GetAsyncEnumerator(timeout.Token);
        Assert.True(await e.MoveNextAsync());
        return e.Current;
    }

    [Fact]
    public async Task Post_SignedBatch_EventsReachSubscribers()
    {
        await using var messages = _host.Receiver.SubscribeMessages("orders");
        await using var presence = _host.Receiver.SubscribePresence("orders");
        var body = Encoding.UTF8.GetBytes($$$"""
            {"items":[
              {"webhookId":"AbCdEf","source":"channel.message","timestamp":{{{NowMs}}},"name":"channel.message","data":{"channelId":"orders","site":"x",
                "messages":[{"id":"m1","name":"placed","clientId":"bob","timestamp":{{{NowMs}}},"data":"{\"total\":3}","encoding":"json"},
                            {"id":"m2","name":"note","data":"aGk=","encoding":"utf-8/base64"}]}},
              {"webhookId":"AbCdEf","source":"channel.presence","timestamp":{{{NowMs}}},"name":"presence.message","data":{"channelId":"orders","site":"x",
                "presence":[{"id":"p1","clientId":"bob","connectionId":"c1","action":2,"data":"hi"}]}}]}
            """);

        var (status, reason) = await _host.PostSignedAsync(body, Token);

        Assert.True(status == 204, reason);
        var received = new List<ChannelMessage>();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await foreach (var m in messages.WithCancellation(timeout.Token))
            {
                received.Add(m);
                if (received.Count == 2)
                {
                    break;
                }
            }
        }

        Assert.Equal(("m1", "placed", "bob"), (received[0].Id, received[0].Name, received[0].ClientId));
        Assert.Equal(3, received[0].Data.AsJson().GetProperty("total").GetInt32());
        Assert.Equal("hi", received[1].Data.AsString());
        var member = await FirstAsync(presence);
        Assert.Equal((PresenceAction.Enter, "bob", "c1", "hi"), (member.Action, member.ClientId, member.ConnectionId, member.Data.AsString()));
    }

    [Fact]
    public async Task Post_BadDeliveries_RefusedWithReasonAndNeverProcessed()
    {
        await using var all = _host.Receiver.SubscribeAll();
        var body = MessageDelivery("refused", "x");
        var tampered = MessageDelivery("refused", "y");
        var stale = MessageDelivery("refused", "x", NowMs - (long)TimeSpan.FromMinutes(10).TotalMilliseconds);
        var oversized = MessageDelivery("refused", new string('x', 5000));
        var notJson = Encoding.UTF8.GetBytes("{\"items\":");
        var cases = new (string What, byte[] Body, string? KeyName, string? Signature, int Status, string Reason)[]
        {
            ("unsigned", body, null, null, 401, "Unsigned"),
            ("no signature", body, InboundHost.KeyName, null, 401, "Unsigned"),
            ("unknown key", body, "app.other", InboundHost.Sign(InboundHost.KeySecret, body), 401, "does not accept"),
            ("wrong secret", body, InboundHost.KeyName, InboundHost.Sign("not-the-secret", body), 401, "does not match"),
            ("tampered body", tampered, InboundHost.KeyName, InboundHost.Sign(InboundHost.KeySecret, body), 401, "does not match"),
            ("garbage signature", body, InboundHost.KeyName, "!!", 401, "does not match"),
            ("stale", stale, InboundHost.KeyName, InboundHost.Sign(InboundHost.KeySecret, stale), 400, "stale"),
            ("oversized", oversized, InboundHost.KeyName, InboundHost.Sign(InboundHost.KeySecret, oversized), 413, "over the limit"),
            ("not a delivery", notJson, InboundHost.KeyName, InboundHost.Sign(InboundHost.KeySecret, notJson), 400, "Not an Ably webhook delivery"),
        };

        foreach (var (c, chunked) in cases.Select(c => (c, false)).Append((cases.Single(c => c.What == "oversized"), true)))
        {
            var (status, reason) = await _host.PostAsync(c.Body, c.KeyName, c.Signature, Token, chunked);
            Assert.True(status == c.Status, $"{c.What} (chunked: {chunked}): {status} {reason}");
            Assert.Contains(c.Reason, reason, StringComparison.Ordinal);
            Assert.DoesNotContain(InboundHost.KeySecret, reason, StringComparison.Ordinal);
        }

        // The sentinel: the first event subscribers see is the good delivery's, so none of the refused ones got through.
        var good = MessageDelivery("accepted", "ok");
        Assert.Equal(204, (await _host.PostSignedAsync(good, Token)).Status);
        var first = await FirstAsync(all);
        Assert.Equal("accepted", first.Message?.Name);
        Assert.All(_host.Logs.Lines, line => Assert.DoesNotContain(InboundHost.KeySecret, line, StringComparison.Ordinal));
        Assert.Contains(_host.Logs.Lines, line => line.Contains("refused with 401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Post_SameDeliveryTwice_SecondAcknowledgedButNotProcessedAgain()
    {
        // Ably retries a request whose 2xx it did not receive: the copy must be acknowledged (or it is retried until
        // dropped), and must not reach subscribers twice.
        await using var messages = _host.Receiver.SubscribeMessages("orders");
        var body = MessageDelivery("once", "1");

        var first = await _host.PostSignedAsync(body, Token);
        var second = await _host.PostSignedAsync(body, Token);
        Assert.Equal(204, first.Status);
        Assert.Equal(200, second.Status);
        Assert.Contains(_host.Logs.Lines, line => line.Contains("already accepted", StringComparison.Ordinal));

        Assert.Equal(204, (await _host.PostSignedAsync(MessageDelivery("sentinel", "2"), Token)).Status);
        var received = new List<string?>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await foreach (var m in messages.WithCancellation(timeout.Token))
        {
            received.Add(m.Name);
            if (m.Name == "sentinel")
            {
                break;
            }
        }

        Assert.Equal(["once", "sentinel"], received);
    }

    [Fact]
    public async Task Post_EnvelopedSingleRequestAndLifecycle_Parsed()
    {
        await using var all = _host.Receiver.SubscribeAll();
        var single = Encoding.UTF8.GetBytes($$$"""
            {"source":"channel.message","appId":"app","channel":"solo","site":"x","ruleId":"r","timestamp":{{{NowMs}}},
             "messages":[{"id":"s1","name":"single","data":{"a":1}}]}
            """);
        var lifecycle = Encoding.UTF8.GetBytes($$$"""
            {"items":[{"webhookId":"w","source":"channel.lifecycle","timestamp":{{{NowMs}}},"name":"channel.closed","data":{"channelId":"solo","status":{"isActive":false} } }]}
            """);

        Assert.Equal(204, (await _host.PostSignedAsync(single, Token)).Status);
        Assert.Equal(204, (await _host.PostSignedAsync(lifecycle, Token)).Status);

        var events = new List<AblyWebhookEvent>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await foreach (var e in all.WithCancellation(timeout.Token))
        {
            events.Add(e);
            if (events.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(("solo", "single", 1), (events[0].Channel, events[0].Message!.Name, events[0].Message!.Data.AsJson().GetProperty("a").GetInt32()));
        Assert.Equal(("solo", "channel.closed", false), (events[1].Channel, events[1].Lifecycle!.Name, events[1].Lifecycle!.IsOpened));
    }

    [Fact]
    public async Task Post_Occupancy_ParsedFromTheChannelDetails_AndOneWithoutMetricsRefused()
    {
        await using var occupancy = _host.Receiver.SubscribeOccupancy("hall");
        var good = Encoding.UTF8.GetBytes($$$"""
            {"items":[{"webhookId":"w","source":"channel.occupancy","timestamp":{{{NowMs}}},"name":"channel.occupancy","data":{"channelId":"hall",
             "status":{"isActive":true,"occupancy":{"metrics":{"connections":3,"publishers":2,"subscribers":3,"presenceConnections":1,"presenceMembers":2,"presenceSubscribers":3,"objectPublishers":1,"objectSubscribers":1} } } } } ]}
            """);
        var noMetrics = Encoding.UTF8.GetBytes($$$"""
            {"items":[{"webhookId":"w","source":"channel.occupancy","timestamp":{{{NowMs}}},"name":"channel.occupancy","data":{"channelId":"hall","status":{"isActive":true} } } ]}
            """);

        var refused = await _host.PostSignedAsync(noMetrics, Token);
        Assert.Equal(400, refused.Status);
        Assert.Contains("occupancy.metrics", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(204, (await _host.PostSignedAsync(good, Token)).Status);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var reader = occupancy.GetAsyncEnumerator(timeout.Token);
        Assert.True(await reader.MoveNextAsync());
        var e = reader.Current;
        Assert.Equal((3L, 2L, 3L, 1L, 2L, 3L, 1L, 1L), (e.Connections, e.Publishers, e.Subscribers, e.PresenceConnections, e.PresenceMembers, e.PresenceSubscribers, e.ObjectPublishers, e.ObjectSubscribers));
    }
}
