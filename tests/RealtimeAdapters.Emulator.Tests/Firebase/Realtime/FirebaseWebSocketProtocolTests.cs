using System.Net.WebSockets;
using System.Text.Json.Nodes;
using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Firebase.Realtime.RealtimeWireClient;

namespace RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

/// <summary>The realtime protocol's envelope: handshake, keepalive, ping, frame splitting both ways, and bad input.</summary>
public class FirebaseWebSocketProtocolTests
{
    [Fact]
    public async Task Handshake_FirstFrame_ServerTimeVersionHostAndSession()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(time: time);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var handshake = client.Handshake!;
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), (long)handshake["ts"]!);
        Assert.Equal("5", (string?)handshake["v"]);
        Assert.Equal(host.Emulator.FirebaseUrl.Authority, (string?)handshake["h"]);
        Assert.Matches("^[0-9a-f]{32}$", client.SessionId);
    }

    [Fact]
    public async Task RequestSentBeforeTheHandshakeArrived_HandshakeFirstThenTheAnswer()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl, handshake: false);

        var r = await client.SendRequestAsync("p", Body("""{"p":"/early","d":1}"""));

        var first = await client.ReceiveAsync();
        Assert.Equal("h", (string?)first!["d"]!["t"]);
        var (answer, before) = await client.AnswerAsync(r);
        Assert.Equal("ok", Status(answer));
        Assert.Empty(before);
        Assert.Equal(1, host.Emulator.GetFirebaseDatabase().Root.GetChild("early").GetNumber());
    }

    [Fact]
    public async Task Ping_AnsweredWithPong()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.SendFrameAsync("""{"t":"c","d":{"t":"p","d":{}}}""");

        var pong = await client.ReceiveAsync();
        Assert.Equal("""{"t":"c","d":{"t":"o","d":{}}}""", pong!.ToJsonString());
    }

    [Fact]
    public async Task KeepaliveZeroAndEmptyFrames_Ignored()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.SendFrameAsync("0");
        await client.SendFrameAsync(string.Empty);

        Assert.Empty(await client.DrainAsync());
    }

    [Fact]
    public async Task SplitRequest_CountThenPieces_AppliedAsOneMessage()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        var big = new string('x', 40_000);
        var message = new JsonObject { ["t"] = "d", ["d"] = new JsonObject { ["r"] = 7, ["a"] = "p", ["b"] = new JsonObject { ["p"] = "/big", ["d"] = big } } }.ToJsonString();
        var pieces = message.Chunk(16384).Select(c => new string(c)).ToList();

        await client.SendFrameAsync(pieces.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var piece in pieces)
        {
            await client.SendFrameAsync(piece);
        }

        var (answer, _) = await client.AnswerAsync(7);
        Assert.Equal("ok", Status(answer));
        Assert.Equal(big, host.Emulator.GetFirebaseDatabase().Root.GetChild("big").GetString());
    }

    [Fact]
    public async Task LargePush_SentAsCountAndPiecesOfAtMost16384Utf16Units()
    {
        await using var host = await EmulatorHost.StartAsync();

        // Two UTF-8 bytes but one UTF-16 unit each: pieces counted in bytes would be twice as many.
        var value = new string('é', 30_000);
        host.Emulator.GetFirebaseDatabase().Set("big", value);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var r = await client.SendRequestAsync("q", Body("""{"p":"/big","h":""}"""));

        Assert.Equal("2", await client.ReceiveFrameAsync());
        var pieces = new[] { (await client.ReceiveFrameAsync())!, (await client.ReceiveFrameAsync())! };
        Assert.Equal(16384, pieces[0].Length);
        Assert.InRange(pieces[1].Length, 1, 16384);
        var push = JsonNode.Parse(string.Concat(pieces))!;
        Assert.Equal(value, (string?)push["d"]!["b"]!["d"]);
        Assert.Equal("ok", Status((await client.AnswerAsync(r)).Answer));
    }

    [Fact]
    public async Task MalformedJson_ErrorThenClose_OthersServedAndNothingStored()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var bystander = await ConnectAsync(host.Emulator.FirebaseUrl);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.SendFrameAsync("""{"t":"d","d":{"r":1,"a":"p","b":{"p":"/x","d":1}""");

        var errors = await client.ExpectClosedAsync();
        Assert.Contains(errors, e => e.Contains("not valid JSON", StringComparison.Ordinal));
        Assert.Equal("ok", Status((await bystander.RequestAsync("p", Body("""{"p":"/y","d":2}"""))).Answer));
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.GetChild("x").IsNull);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("""{"t":"d"}""")]
    [InlineData("""{"t":"x","d":{}}""")]
    [InlineData("""{"t":"d","d":{"r":"one","a":"p","b":{"p":"/x","d":1}}}""")]
    public async Task NotAnEnvelope_ErrorThenClose(string frame)
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.SendFrameAsync(frame);

        if (frame.Contains("\"one\"", StringComparison.Ordinal))
        {
            // A request number that is not a number cannot be answered: refused without an answer, the connection goes on.
            Assert.Empty(await client.DrainAsync());
        }
        else
        {
            Assert.NotEmpty(await client.ExpectClosedAsync());
        }

        Assert.True(host.Emulator.GetFirebaseDatabase().Root.IsNull);
    }

    [Fact]
    public async Task UnknownActionOrBadBody_RefusedWithStatus_ConnectionGoesOn()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await host.SeedAsync("/keep", "1");
        var (noData, _) = await client.RequestAsync("p", Body("""{"p":"/keep"}"""));
        var (unknown, _) = await client.RequestAsync("zz", new JsonObject());
        var (noPath, _) = await client.RequestAsync("p", Body("""{"d":1}"""));
        var (badKey, _) = await client.RequestAsync("p", Body("""{"p":"/a.b","d":1}"""));
        var (badQuery, _) = await client.RequestAsync("q", Body("""{"p":"/a","q":{"l":-1},"t":1,"h":""}"""));

        Assert.Equal("invalid_request", Status(noData));
        Assert.Equal("invalid_request", Status(unknown));
        Assert.Equal("invalid_request", Status(noPath));
        Assert.Equal("invalid_data", Status(badKey));
        Assert.Equal("invalid_request", Status(badQuery));
        Assert.Equal("ok", Status((await client.RequestAsync("p", Body("""{"p":"/a","d":1}"""))).Answer));
        Assert.Equal("""{"a":1,"keep":1}""", host.Emulator.GetFirebaseDatabase().Root.ToJsonString());
    }

    [Fact]
    public async Task BinaryFrame_ErrorThenClose()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.SendBytesAsync([1, 2, 3], WebSocketMessageType.Binary);

        Assert.Contains(await client.ExpectClosedAsync(), e => e.Contains("binary", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OversizedMessage_OneFrameOrSplit_ErrorThenClose_NothingStored()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.MaxRequestBodySize = 1000);
        await using var whole = await ConnectAsync(host.Emulator.FirebaseUrl);
        await using var split = await ConnectAsync(host.Emulator.FirebaseUrl);
        var tooBig = new JsonObject { ["t"] = "d", ["d"] = new JsonObject { ["r"] = 1, ["a"] = "p", ["b"] = new JsonObject { ["p"] = "/x", ["d"] = new string('x', 2000) } } }.ToJsonString();

        await whole.SendFrameAsync(tooBig);
        await split.SendFrameAsync("3");
        await split.SendFrameAsync(tooBig[..800]);
        await split.SendFrameAsync(tooBig[800..1600]);

        Assert.Contains(await whole.ExpectClosedAsync(), e => e.Contains("limit of 1000 bytes", StringComparison.Ordinal));
        Assert.Contains(await split.ExpectClosedAsync(), e => e.Contains("limit of 1000 bytes", StringComparison.Ordinal));
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.IsNull);
    }

    [Fact]
    public async Task FrameCountThatNeverCompletes_ClosedAfterTheTimeout_NothingStored()
    {
        var timeout = TimeSpan.FromSeconds(20);
        var time = new TimerWatchingTime(timeout);
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.SplitMessageTimeout = timeout, time);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.SendFrameAsync("3");
        await client.SendFrameAsync("""{"t":"d","d":{"r":1,"a":"p",""");

        // Inside a split message no sentinel can answer: the server's timer for it shows that the pieces arrived.
        await time.Created.Task.WaitAsync(Wait, TestContext.Current.CancellationToken);
        time.Advance(timeout);

        Assert.Contains(await client.ExpectClosedAsync(), e => e.Contains("did not complete", StringComparison.Ordinal));
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.IsNull);
    }

    [Fact]
    public async Task PlainGet_NotAnUpgrade_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.GetAsync("/.ws?v=5&ns=default");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, reply.Status);
    }

    [Fact]
    public async Task Namespace_SelectsTheSameDatabaseAsRest()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/n", "\"in-other\"", ns: "other");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl, ns: "other");

        var (answer, _) = await client.RequestAsync("g", Body("""{"p":"/n","q":{}}"""));

        Assert.Equal("in-other", (string?)answer["d"]);
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.IsNull);
    }

    [Fact]
    public async Task InvalidNamespace_Refused()
    {
        await using var host = await EmulatorHost.StartAsync();
        var uri = new UriBuilder(host.Emulator.FirebaseUrl) { Scheme = "ws", Path = "/.ws", Query = "v=5&ns=a.b" }.Uri;
        using var socket = new ClientWebSocket();
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ManyPushes_EachFrameIsOneMessage_NeverACountOfZeroOrOne()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/n","h":""}"""));

        for (var i = 0; i < 50; i++)
        {
            host.Emulator.GetFirebaseDatabase().Set("n", i);
        }

        var frames = new List<string>();
        var r = await client.SendRequestAsync("s", new JsonObject());
        while (true)
        {
            var frame = (await client.ReceiveFrameAsync())!;
            frames.Add(frame);
            if (JsonNode.Parse(frame)!["d"]?["r"] is { } n && (long)n == r)
            {
                break;
            }
        }

        Assert.Equal(51, frames.Count);
        Assert.All(frames, f => Assert.StartsWith("{", f, StringComparison.Ordinal));
    }
}
