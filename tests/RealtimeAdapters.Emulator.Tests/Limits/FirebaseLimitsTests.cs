using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeAdapters.Emulator.Tests.Firebase.Realtime;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Limits;

/// <summary>
/// The limits of the Firebase front end: connections per client address (realtime WebSockets and event streams, 429),
/// request and realtime message sizes (400, and error + close), idle realtime connections (closed with 1001, their
/// onDisconnect writes run), each counted in <c>/metrics</c>, every other client served on.
/// </summary>
public sealed class FirebaseLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectionsPerIp_WebSocketsAndStreamsCountTogether_OneMoreGets429_RestAndTheOpenOnesServed()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.MaxConnectionsPerIp = 2);
        await using var socket = await RealtimeWireClient.ConnectAsync(host.Emulator.FirebaseUrl);
        await using var stream = await host.OpenStreamAsync("/a.json");
        Assert.Equal(HttpStatusCode.OK, stream.Status);

        using var refusedSocket = new ClientWebSocket();
        refusedSocket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(host.Emulator.FirebaseUrl) { Scheme = "ws", Path = "/.ws", Query = "v=5&ns=default" }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => refusedSocket.ConnectAsync(uri, Ct).WaitAsync(EmulatorHost.Timeout, Ct));
        await using var refusedStream = await host.OpenStreamAsync("/b.json");
        var write = await host.PutAsync("/a.json", "1");

        Assert.Equal(HttpStatusCode.TooManyRequests, refusedSocket.HttpStatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, refusedStream.Status);
        Assert.Contains("peak connections limit", await refusedStream.Response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, write.Status);
        Assert.Equal("ok", RealtimeWireClient.Status((await socket.RequestAsync("p", RealtimeWireClient.Body("""{"p":"/b","d":2}"""))).Answer));
        var metrics = await MetricsAsync(host);
        AssertRefused(metrics, "connections_per_ip", 2);
    }

    [Fact]
    public async Task IdleTimeout_ASilentSocketIsClosedWith1001_ItsOnDisconnectWritesRun_ARequestKeepsAnotherOpen()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.IdleTimeout = TimeSpan.FromSeconds(60), time);
        await using var silent = await RealtimeWireClient.ConnectAsync(host.Emulator.FirebaseUrl);
        await using var talking = await RealtimeWireClient.ConnectAsync(host.Emulator.FirebaseUrl);
        var registered = await silent.RequestAsync("o", RealtimeWireClient.Body("""{"p":"/presence/silent","d":"gone"}"""));
        Assert.Equal("ok", RealtimeWireClient.Status(registered.Answer));
        Assert.Equal("ok", RealtimeWireClient.Status((await talking.RequestAsync("q", RealtimeWireClient.Body("""{"p":"/presence/silent","h":""}"""))).Answer));

        // The handshake is sent after the idle timer starts, and the answer above after the request restarted it.
        time.Advance(TimeSpan.FromSeconds(40));
        await talking.DrainAsync();
        time.Advance(TimeSpan.FromSeconds(20));
        while (await silent.ReceiveAsync() is not null)
        {
        }

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, silent.CloseStatus);
        var gone = await talking.PushAsync();
        Assert.Equal("gone", (string?)gone["b"]!["d"]);
        await talking.DrainAsync();
        var metrics = await MetricsAsync(host);
        AssertRefused(metrics, "idle_timeout", 1);
    }

    [Fact]
    public async Task OversizedMessageAndBody_Refused_Counted_OtherClientsServed()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.MaxRequestBodySize = 1000);
        await using var big = await RealtimeWireClient.ConnectAsync(host.Emulator.FirebaseUrl);
        await using var other = await RealtimeWireClient.ConnectAsync(host.Emulator.FirebaseUrl);
        var tooBig = new JsonObject { ["t"] = "d", ["d"] = new JsonObject { ["r"] = 1, ["a"] = "p", ["b"] = new JsonObject { ["p"] = "/x", ["d"] = new string('x', 2000) } } };

        await big.SendFrameAsync(tooBig.ToJsonString());
        Assert.Contains(await big.ExpectClosedAsync(), e => e.Contains("limit of 1000 bytes", StringComparison.Ordinal));
        var body = await host.PutAsync("/y.json", "\"" + new string('y', 2000) + "\"");

        Assert.Equal(HttpStatusCode.BadRequest, body.Status);
        Assert.Equal("ok", RealtimeWireClient.Status((await other.RequestAsync("p", RealtimeWireClient.Body("""{"p":"/z","d":1}"""))).Answer));
        var metrics = await MetricsAsync(host);
        AssertRefused(metrics, "frame_size", 1);
        AssertRefused(metrics, "body_size", 1);
        Assert.Contains("realtime_emulator_errors_total{error_type=\"protocol_error\",realtime_provider=\"Firebase\"} 1\n", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedRequestInsideASocket_CountedByStatus()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """{"rules":{".read":false,".write":false}}""");
        await using var client = await RealtimeWireClient.ConnectAsync(host.Emulator.FirebaseUrl);

        var answer = (await client.RequestAsync("p", RealtimeWireClient.Body("""{"p":"/a","d":1}"""))).Answer;

        Assert.Equal("permission_denied", RealtimeWireClient.Status(answer));
        var metrics = await MetricsAsync(host);
        Assert.Contains("realtime_emulator_errors_total{error_type=\"permission_denied\",realtime_provider=\"Firebase\"} 1\n", metrics, StringComparison.Ordinal);
    }

    private static Task<string> MetricsAsync(EmulatorHost host) => host.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative), Ct);

    private static void AssertRefused(string metrics, string limit, int count) =>
        Assert.Contains($"realtime_emulator_limits_refused_total{{realtime_emulator_limit=\"{limit}\",realtime_provider=\"Firebase\"}} {count}\n", metrics, StringComparison.Ordinal);
}
