using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator.Tests.Ably;

namespace RealtimeAdapters.Emulator.Tests.Limits;

/// <summary>
/// The limits of the Ably front end: each refusal is the service's error (HTTP 429 with 42922, a NACK with 42911 or
/// 42913, ERROR 40009, DISCONNECTED 80003), counted in <c>/metrics</c>, and every other connection goes on being served.
/// </summary>
public sealed class AblyLimitsTests
{
    private const int Ack = 1;
    private const int Nack = 2;
    private const int Disconnected = 6;
    private const int Error = 9;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionsPerIp_OneOverTheLimit_Refused429With42922_TheOpenOnesServed()
    {
        await using var emulator = await StartAsync(o => o.MaxConnectionsPerIp = 2, time: false);
        await using var first = await ConnectedAsync(emulator);
        await using var second = await ConnectedAsync(emulator);

        using var third = new ClientWebSocket();
        third.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => third.ConnectAsync(WsUri(emulator), Ct).WaitAsync(Wait, Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.HttpStatusCode);
        Assert.Equal("42922", third.HttpResponseHeaders!["X-Ably-ErrorCode"].Single());
        Assert.Equal(Ack, (await PublishAsync(first, "c", 0, 1))["action"]!.GetValue<int>());
        Assert.Equal(Ack, (await PublishAsync(second, "c", 0, 1))["action"]!.GetValue<int>());
        var metrics = await MetricsAsync(emulator);
        AssertRefused(metrics, "connections_per_ip", 1);
    }

    [Fact]
    public async Task RatePerConnection_OverTheBucket_Nack42911_ConnectionStays_OthersAndLaterPublishesAccepted()
    {
        await using var emulator = await StartAsync(o => o.MaxMessagesPerSecondPerConnection = 2);
        await using var fast = await ConnectedAsync(emulator);
        await using var other = await ConnectedAsync(emulator);

        var burst = await PublishAsync(fast, "rate", 0, 2);
        var over = await PublishAsync(fast, "rate", 1, 1);
        var elsewhere = await PublishAsync(other, "rate", 0, 2);
        _time.Advance(TimeSpan.FromSeconds(0.5));
        var refilledInPart = await PublishAsync(fast, "rate", 2, 1);
        var stillOver = await PublishAsync(fast, "rate", 3, 1);

        Assert.Equal(Ack, burst["action"]!.GetValue<int>());
        Assert.Equal(Nack, over["action"]!.GetValue<int>());
        Assert.Equal(1, over["msgSerial"]!.GetValue<long>());
        Assert.Equal(42911, over["error"]!["code"]!.GetValue<int>());
        Assert.Equal(429, over["error"]!["statusCode"]!.GetValue<int>());
        Assert.Equal(Ack, elsewhere["action"]!.GetValue<int>());
        Assert.Equal(Ack, refilledInPart["action"]!.GetValue<int>());
        Assert.Equal(Nack, stillOver["action"]!.GetValue<int>());
        Assert.Equal(WebSocketState.Open, fast.State);
        var stored = emulator.AblyChannels.ReadHistory("rate", new HistoryQuery { Limit = 100 }).Items.Select(m => m.Name).ToList();
        Assert.DoesNotContain("m1", stored);
        Assert.Contains("m2", stored);
        var metrics = await MetricsAsync(emulator);
        AssertRefused(metrics, "connection_rate", 2);
        Assert.Contains("realtime_emulator_errors_total{error_type=\"42911\",realtime_provider=\"Ably\"} 2\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProtocolMessageRate_OneFrameOver_Error42924AndClosed_OtherConnectionServed()
    {
        await using var emulator = await StartAsync(o => o.MaxProtocolMessagesPerSecond = 3);
        await using var flooding = await ConnectedAsync(emulator);
        await using var other = await ConnectedAsync(emulator);

        for (var i = 0; i < 3; i++)
        {
            await HeartbeatAsync(flooding);
        }

        await flooding.SendAsync("""{"action":0}""");
        var error = await flooding.ReceiveActionAsync(Error);

        Assert.Equal(42924, error["error"]!["code"]!.GetValue<int>());
        Assert.Equal(429, error["error"]!["statusCode"]!.GetValue<int>());
        Assert.Null(await flooding.ReceiveAsync());
        await HeartbeatAsync(other);
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 3; i++)
        {
            await HeartbeatAsync(other);
        }

        await AssertRefusedAsync(emulator, "protocol_rate", 1);
    }

    [Fact]
    public async Task ConnectedMessage_AnnouncesTheConfiguredRateAndFrameSize()
    {
        await using var emulator = await StartAsync(o =>
        {
            o.MaxMessagesPerSecondPerConnection = 50;
            o.MaxFrameSize = 4096;
        });
        await using var client = await AblyWireClient.ConnectAsync(emulator.AblyUrl, Query);

        var details = (await client.ReceiveActionAsync(4))["connectionDetails"]!;

        Assert.Equal(50, details["maxInboundRate"]!.GetValue<long>());
        Assert.Equal(4096, details["maxFrameSize"]!.GetValue<long>());
    }

    [Fact]
    public async Task RatePerChannel_SharedByAllPublishers_Nack42913_Rest429_OtherChannelsAccepted()
    {
        await using var emulator = await StartAsync(o => o.MaxMessagesPerSecondPerChannel = 3);
        await using var a = await ConnectedAsync(emulator);
        await using var b = await ConnectedAsync(emulator);
        using var http = new HttpClient { BaseAddress = emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(emulator.AblyKeys[0])));

        var fromA = await PublishAsync(a, "busy", 0, 2);
        var fromB = await PublishAsync(b, "busy", 0, 2);
        var quiet = await PublishAsync(b, "quiet", 1, 2);
        using var rest = await http.PostAsync("channels/busy/messages", Json("""{"name":"r","data":"x"}"""), Ct);
        using var restOver = await http.PostAsync("channels/busy/messages", Json("""{"name":"r","data":"y"}"""), Ct);
        _time.Advance(TimeSpan.FromSeconds(1));
        var later = await PublishAsync(b, "busy", 2, 3);

        Assert.Equal(Ack, fromA["action"]!.GetValue<int>());
        Assert.Equal(Nack, fromB["action"]!.GetValue<int>());
        Assert.Equal(42913, fromB["error"]!["code"]!.GetValue<int>());
        Assert.Equal(Ack, quiet["action"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Created, rest.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, restOver.StatusCode);
        Assert.Equal("42913", restOver.Headers.GetValues("X-Ably-ErrorCode").Single());
        Assert.Equal(Ack, later["action"]!.GetValue<int>());
        var metrics = await MetricsAsync(emulator);
        AssertRefused(metrics, "channel_rate", 2);
    }

    [Fact]
    public async Task FrameOverMaxFrameSize_Error40009AndClosed_OtherConnectionServed()
    {
        await using var emulator = await StartAsync(o => o.MaxFrameSize = 1024, time: false);
        await using var big = await ConnectedAsync(emulator);
        await using var other = await ConnectedAsync(emulator);

        await big.SendAsync($$"""{"action":15,"channel":"f","msgSerial":0,"messages":[{"data":"{{new string('x', 2000)}}"}]}""");
        var error = await big.ReceiveActionAsync(Error);

        Assert.Equal(40009, error["error"]!["code"]!.GetValue<int>());
        Assert.Null(await big.ReceiveAsync());
        Assert.Equal(Ack, (await PublishAsync(other, "f", 0, 1))["action"]!.GetValue<int>());
        await AssertRefusedAsync(emulator, "frame_size", 1);
    }

    [Fact]
    public async Task MessageOverMaxMessageSize_Nack40009_Counted_ConnectionStays()
    {
        await using var emulator = await StartAsync(o => o.MaxMessageSize = 100, time: false);
        await using var client = await ConnectedAsync(emulator);

        await client.SendAsync($$"""{"action":15,"channel":"m","msgSerial":0,"messages":[{"data":"{{new string('x', 200)}}"}]}""");
        var nack = await client.ReceiveActionAsync(Nack);
        var next = await PublishAsync(client, "m", 1, 1);

        Assert.Equal(40009, nack["error"]!["code"]!.GetValue<int>());
        Assert.Equal(Ack, next["action"]!.GetValue<int>());
        await AssertRefusedAsync(emulator, "message_size", 1);
    }

    [Fact]
    public async Task RestBodyOverTheLimit_40009_ThenSmallerBodiesAccepted()
    {
        await using var emulator = await StartAsync(o => o.MaxRequestBodySize = 1000, time: false);
        using var http = new HttpClient { BaseAddress = emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(emulator.AblyKeys[0])));

        using var tooBig = await http.PostAsync("channels/b/messages", Json($$"""{"data":"{{new string('x', 2000)}}"}"""), Ct);
        using var small = await http.PostAsync("channels/b/messages", Json("""{"data":"x"}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Equal("40009", tooBig.Headers.GetValues("X-Ably-ErrorCode").Single());
        Assert.Equal(HttpStatusCode.Created, small.StatusCode);
        await AssertRefusedAsync(emulator, "body_size", 1);
    }

    [Fact]
    public async Task IdleTimeout_ASilentConnectionGetsDisconnected80003_AHeartbeatKeepsAnotherOpen()
    {
        await using var emulator = await StartAsync(o => o.IdleTimeout = TimeSpan.FromSeconds(10));
        await using var silent = await ConnectedAsync(emulator);
        await using var talking = await ConnectedAsync(emulator);

        // A HEARTBEAT answered shows the receive loop runs (its idle timer started) at the current fake time.
        await HeartbeatAsync(silent);
        await HeartbeatAsync(talking);
        _time.Advance(TimeSpan.FromSeconds(6));
        await HeartbeatAsync(talking);
        _time.Advance(TimeSpan.FromSeconds(4));
        var disconnected = await silent.ReceiveActionAsync(Disconnected);

        Assert.Equal(80003, disconnected["error"]!["code"]!.GetValue<int>());
        Assert.Null(await silent.ReceiveAsync());
        await HeartbeatAsync(talking);
        await AssertRefusedAsync(emulator, "idle_timeout", 1);

        // The heartbeat restarted its timer: silent from now on, it goes too.
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(80003, (await talking.ReceiveActionAsync(Disconnected))["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Faults_InjectedThroughTheHooks_AreCounted()
    {
        await using var emulator = await StartAsync(_ => { }, time: false);
        await using var client = await ConnectedAsync(emulator);
        var id = await emulator.AblyFaults.WaitForConnectionAsync(cancellationToken: Ct);

        Assert.True(await emulator.AblyFaults.DropTransportAsync(id));

        Assert.Contains(
            "realtime_emulator_faults_total{realtime_emulator_fault=\"drop_transport\",realtime_provider=\"Ably\"} 1\n", await MetricsAsync(emulator), StringComparison.Ordinal);
    }

    private const string Query = "key=" + "emulator.default%3Aemulator-secret" + "&format=json&v=6&heartbeats=false";

    private async Task<RealtimeEmulator> StartAsync(Action<AblyEmulatorOptions> configure, bool time = true)
    {
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } };
        if (time)
        {
            options.TimeProvider = _time;
        }

        configure(options.Ably);
        return await RealtimeEmulator.StartAsync(options, Ct);
    }

    private static Uri WsUri(RealtimeEmulator emulator) => new UriBuilder(emulator.AblyUrl) { Scheme = "ws", Query = Query }.Uri;

    private static async Task<AblyWireClient> ConnectedAsync(RealtimeEmulator emulator)
    {
        var client = await AblyWireClient.ConnectAsync(emulator.AblyUrl, Query);
        await client.ReceiveActionAsync(4);
        return client;
    }

    /// <summary>Publishes <paramref name="count"/> messages in one frame and answers its ACK or NACK.</summary>
    private static async Task<JsonObject> PublishAsync(AblyWireClient client, string channel, long msgSerial, int count)
    {
        var messages = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)new JsonObject { ["name"] = "m" + msgSerial, ["data"] = i })]);
        await client.SendAsync(new JsonObject { ["action"] = 15, ["channel"] = channel, ["msgSerial"] = msgSerial, ["messages"] = messages });
        while (true)
        {
            var message = await client.ReceiveAsync() ?? throw new InvalidOperationException("Closed before the ACK or NACK.");
            if (message["action"]!.GetValue<int>() is Ack or Nack)
            {
                return message;
            }
        }
    }

    private static async Task HeartbeatAsync(AblyWireClient client)
    {
        await client.SendAsync("""{"action":0,"id":"beat"}""");
        await client.ReceiveActionAsync(0);
    }

    private static async Task AssertRefusedAsync(RealtimeEmulator emulator, string limit, int count) => AssertRefused(await MetricsAsync(emulator), limit, count);

    private static void AssertRefused(string metrics, string limit, int count) =>
        Assert.Contains($"realtime_emulator_limits_refused_total{{realtime_emulator_limit=\"{limit}\",realtime_provider=\"Ably\"}} {count}\n", metrics, StringComparison.Ordinal);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> MetricsAsync(RealtimeEmulator emulator)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(emulator.AblyUrl, "metrics"), Ct);
    }
}
