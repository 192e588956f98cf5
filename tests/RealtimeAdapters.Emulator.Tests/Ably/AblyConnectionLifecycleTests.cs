using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.Emulator.Tests.Ably;

public sealed class AblyConnectionLifecycleTests : IAsyncLifetime
{
    private const string Key = "life.key:life-secret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private RealtimeEmulator _emulator = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions
        {
            TimeProvider = _time,
            Firebase = { Enabled = false },
            Ably = { Enabled = true, Port = 0, PresenceLeaveDelay = TimeSpan.FromSeconds(15), ConnectionStateTtl = TimeSpan.FromSeconds(120) },
        };
        options.Ably.Keys.Add(Key);
        _emulator = await RealtimeEmulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<(AblyWireClient Client, JsonObject Connected)> ConnectAsync(string extra)
    {
        var client = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, "format=json&v=6" + extra);
        return (client, await client.ReceiveActionAsync(4));
    }

    private Task LostAsync(string connectionKey) => _emulator.AblyServer!.Connections[connectionKey].TransportLost.WaitAsync(Wait);

    [Fact]
    public async Task LostConnection_PresenceLeaveSynthesisedAfterDelay()
    {
        var (member, connected) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}&clientId=ann");
        var connectionKey = connected["connectionKey"]!.GetValue<string>();
        await member.SendAsync("""{"action":14,"channel":"room","msgSerial":0,"presence":[{"action":2,"data":"hi"}]}""");
        await member.ReceiveActionAsync(1);

        var (observer, _) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}");
        await using (observer)
        {
            await observer.SendAsync("""{"action":10,"channel":"room"}""");
            var attached = await observer.ReceiveActionAsync(11);
            Assert.Equal(1, attached["flags"]!.GetValue<int>() & 1);
            var sync = await observer.ReceiveActionAsync(16);
            Assert.Equal("ann", sync["presence"]![0]!["clientId"]!.GetValue<string>());

            await member.DisposeAsync();
            await LostAsync(connectionKey);
            _time.Advance(TimeSpan.FromSeconds(14));
            Assert.Single(_emulator.AblyChannels.GetPresence("room"));
            _time.Advance(TimeSpan.FromSeconds(1));
            var leave = await observer.ReceiveActionAsync(14);
            Assert.Equal(3, leave["presence"]![0]!["action"]!.GetValue<int>());
            Assert.Equal("ann", leave["presence"]![0]!["clientId"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Resume_WithinTtl_SameConnectionIdAndReplay()
    {
        var (first, connected) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}");
        var connectionId = connected["connectionId"]!.GetValue<string>();
        var connectionKey = connected["connectionKey"]!.GetValue<string>();
        await first.SendAsync("""{"action":10,"channel":"resume"}""");
        var attached = await first.ReceiveActionAsync(11);
        var serial = attached["channelSerial"]!.GetValue<string>();
        await first.DisposeAsync();
        await LostAsync(connectionKey);

        _emulator.AblyChannels.Publish("resume", "other", null, [new ChannelMessage("missed", MessageData.FromString("while away"))]);
        _time.Advance(TimeSpan.FromSeconds(60));

        var (second, resumed) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}&resume={Uri.EscapeDataString(connectionKey)}");
        await using (second)
        {
            Assert.Equal(connectionId, resumed["connectionId"]!.GetValue<string>());
            Assert.Null(resumed["error"]);
            await second.SendAsync(new JsonObject { ["action"] = 10, ["channel"] = "resume", ["channelSerial"] = serial });
            var reattached = await second.ReceiveActionAsync(11);
            Assert.Equal(4, reattached["flags"]!.GetValue<int>() & 4);
            var replayed = await second.ReceiveActionAsync(15);
            Assert.Equal("missed", replayed["messages"]![0]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Resume_AfterTtl_NewConnectionIdWithError()
    {
        var (first, connected) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}");
        var connectionKey = connected["connectionKey"]!.GetValue<string>();
        await first.DisposeAsync();
        await LostAsync(connectionKey);
        _time.Advance(TimeSpan.FromSeconds(121));

        var (second, resumed) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}&resume={Uri.EscapeDataString(connectionKey)}");
        await using (second)
        {
            Assert.NotEqual(connected["connectionId"]!.GetValue<string>(), resumed["connectionId"]!.GetValue<string>());
            Assert.Equal(80008, resumed["error"]!["code"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task TokenExpiry_Disconnected40142_ThenAuthRenews()
    {
        using var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)));
        async Task<string> TokenAsync()
        {
            using var content = new StringContent("""{"keyName":"life.key","ttl":60000}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/keys/life.key/requestToken", UriKind.Relative), content, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["token"]!.GetValue<string>();
        }

        var (client, _) = await ConnectAsync($"&access_token={Uri.EscapeDataString(await TokenAsync())}");
        await using (client)
        {
            // AUTH with a fresh token moves the expiry: CONNECTED again, no disconnect at the old expiry.
            _time.Advance(TimeSpan.FromSeconds(30));
            await client.SendAsync(new JsonObject { ["action"] = 17, ["auth"] = new JsonObject { ["accessToken"] = await TokenAsync() } });
            await client.ReceiveActionAsync(4);
            _time.Advance(TimeSpan.FromSeconds(31));
            await client.SendAsync("""{"action":0,"id":"still-here"}""");
            Assert.Equal("still-here", (await client.ReceiveActionAsync(0))["id"]!.GetValue<string>());

            _time.Advance(TimeSpan.FromSeconds(30));
            var disconnected = await client.ReceiveActionAsync(6);
            Assert.Equal(40142, disconnected["error"]!["code"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task TokenNearExpiry_ServerRequestsAuth()
    {
        using var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)));
        using var content = new StringContent("""{"keyName":"life.key","ttl":600000}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/keys/life.key/requestToken", UriKind.Relative), content, TestContext.Current.CancellationToken);
        var token = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["token"]!.GetValue<string>();

        var (client, _) = await ConnectAsync($"&accessToken={Uri.EscapeDataString(token)}");
        await using (client)
        {
            _time.Advance(TimeSpan.FromSeconds(571));
            var auth = await client.ReceiveActionAsync(17);
            Assert.Equal(17, auth["action"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task Attach_ManyMembers_MultiPartSync()
    {
        for (var i = 0; i < 150; i++)
        {
            _emulator.AblyChannels.ApplyPresence("crowd", "conn-" + i, new PresenceMessage { Action = PresenceAction.Enter, ClientId = "member-" + i });
        }

        var (client, _) = await ConnectAsync($"&key={Uri.EscapeDataString(Key)}");
        await using (client)
        {
            await client.SendAsync("""{"action":10,"channel":"crowd"}""");
            await client.ReceiveActionAsync(11);
            var first = await client.ReceiveActionAsync(16);
            var second = await client.ReceiveActionAsync(16);
            var firstSerial = first["channelSerial"]!.GetValue<string>();
            var secondSerial = second["channelSerial"]!.GetValue<string>();
            Assert.False(firstSerial.EndsWith(':'));
            Assert.EndsWith(":", secondSerial, StringComparison.Ordinal);
            Assert.Equal(firstSerial.Split(':')[0], secondSerial.Split(':')[0]);
            Assert.Equal(150, first["presence"]!.AsArray().Count + second["presence"]!.AsArray().Count);
        }
    }
}
