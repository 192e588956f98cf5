using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Tests.Ably;

public sealed class AblyWireTests : IAsyncLifetime
{
    private const string FullKey = "wire.full:full-secret";
    private const string LimitedKey = "wire.limited:limited-secret";
    private RealtimeEmulator _emulator = null!;

    public async ValueTask InitializeAsync()
    {
        var options = new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0, MaxMessageSize = 1024 } };
        options.Ably.Keys.Add(FullKey);
        options.Ably.Keys.Add(LimitedKey + "={\"open:*\":[\"*\"]}");
        _emulator = await RealtimeEmulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _emulator.DisposeAsync();

    private Task<AblyWireClient> ConnectAsync(string key = FullKey, string extra = "") =>
        AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"key={AblyWireClient.Escape(key)}&format=json&v=6&heartbeats=true{extra}");

    private async Task<AblyWireClient> ConnectedAsync(string key = FullKey, string extra = "")
    {
        var client = await ConnectAsync(key, extra);
        var connected = await client.ReceiveActionAsync(4);
        Assert.NotNull(connected["connectionId"]);
        return client;
    }

    [Fact]
    public async Task Connect_ValidKey_SendsConnectedWithDetails()
    {
        await using var client = await ConnectAsync(extra: "&clientId=carol");
        var connected = await client.ReceiveActionAsync(4);
        var details = connected["connectionDetails"]!.AsObject();
        Assert.Equal("carol", details["clientId"]!.GetValue<string>());
        Assert.Equal(1024, details["maxMessageSize"]!.GetValue<long>());
        Assert.Equal(120000, details["connectionStateTtl"]!.GetValue<long>());
        Assert.Equal(15000, details["maxIdleInterval"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(details["connectionKey"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Connect_WrongProtocolVersion_Error40017()
    {
        await using var client = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, $"key={AblyWireClient.Escape(FullKey)}&v=99");
        var error = await client.ReceiveActionAsync(9);
        Assert.Equal(40017, error["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Connect_WrongSecret_Error40101()
    {
        await using var client = await AblyWireClient.ConnectAsync(_emulator.AblyUrl, "key=wire.full%3Awrong&v=6");
        var error = await client.ReceiveActionAsync(9);
        Assert.Equal(40101, error["error"]!["code"]!.GetValue<int>());
        Assert.Null(await client.ReceiveAsync());
    }

    [Fact]
    public async Task MalformedFrame_ErrorForThatConnectionOnly()
    {
        await using var bad = await ConnectedAsync();
        await using var good = await ConnectedAsync();
        await bad.SendAsync("{not json");
        var error = await bad.ReceiveActionAsync(9);
        Assert.Equal(80013, error["error"]!["code"]!.GetValue<int>());

        await bad.SendRawAsync([0xc1, 0xc1], WebSocketMessageType.Binary).ContinueWith(_ => { }, TaskScheduler.Default);
        await good.SendAsync("""{"action":0,"id":"ping-1"}""");
        var pong = await good.ReceiveActionAsync(0);
        Assert.Equal("ping-1", pong["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task MalformedMsgPackFrame_Error80013()
    {
        await using var client = await ConnectedAsync();
        await client.SendRawAsync([0x81, 0xa6, 0x61, 0x63], WebSocketMessageType.Binary);
        var error = await client.ReceiveActionAsync(9);
        Assert.Equal(80013, error["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Publish_FanOut_EchoSuppressedForPublisherOnly()
    {
        await using var quiet = await ConnectedAsync(extra: "&echo=false");
        await using var loud = await ConnectedAsync();
        foreach (var client in new[] { quiet, loud })
        {
            await client.SendAsync("""{"action":10,"channel":"fan"}""");
            await client.ReceiveActionAsync(11);
        }

        await quiet.SendAsync("""{"action":15,"channel":"fan","msgSerial":0,"messages":[{"name":"from-quiet","data":"a"}]}""");
        await quiet.ReceiveActionAsync(1);
        await loud.SendAsync("""{"action":15,"channel":"fan","msgSerial":0,"messages":[{"name":"from-loud","data":"b"}]}""");
        Assert.Equal("from-quiet", (await loud.ReceiveActionAsync(15))["messages"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("from-loud", (await quiet.ReceiveActionAsync(15))["messages"]![0]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownAction_Error80013()
    {
        await using var client = await ConnectedAsync();
        await client.SendAsync("""{"action":42}""");
        var error = await client.ReceiveActionAsync(9);
        Assert.Equal(80013, error["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Publish_OversizedMessage_Nack40009()
    {
        await using var client = await ConnectedAsync();
        var data = new string('x', 2000);
        await client.SendAsync($$"""{"action":15,"channel":"big","msgSerial":0,"messages":[{"name":"n","data":"{{data}}"}]}""");
        var nack = await client.ReceiveActionAsync(2);
        Assert.Equal(0, nack["msgSerial"]!.GetValue<long>());
        Assert.Equal(40009, nack["error"]!["code"]!.GetValue<int>());

        await client.SendAsync("""{"action":15,"channel":"big","msgSerial":1,"messages":[{"name":"n","data":"small"}]}""");
        var ack = await client.ReceiveActionAsync(1);
        Assert.Equal(1, ack["msgSerial"]!.GetValue<long>());
        Assert.Equal(1, ack["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Attach_InvalidChannelName_ChannelError40010()
    {
        await using var client = await ConnectedAsync();
        await client.SendAsync("""{"action":10,"channel":"[bad"}""");
        var error = await client.ReceiveActionAsync(9);
        Assert.Equal("[bad", error["channel"]!.GetValue<string>());
        Assert.Equal(40010, error["error"]!["code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Capability_DeniedAttachAndPublish_40160()
    {
        await using var client = await ConnectedAsync(LimitedKey);
        await client.SendAsync("""{"action":10,"channel":"closed"}""");
        var error = await client.ReceiveActionAsync(9);
        Assert.Equal(40160, error["error"]!["code"]!.GetValue<int>());

        await client.SendAsync("""{"action":15,"channel":"closed","msgSerial":0,"messages":[{"data":"x"}]}""");
        var nack = await client.ReceiveActionAsync(2);
        Assert.Equal(40160, nack["error"]!["code"]!.GetValue<int>());

        await client.SendAsync("""{"action":10,"channel":"open:room"}""");
        var attached = await client.ReceiveActionAsync(11);
        Assert.Equal("open:room", attached["channel"]!.GetValue<string>());
    }

    [Fact]
    public async Task Attach_ModesRequested_GrantedSubsetWithoutSubscribe()
    {
        await using var client = await ConnectedAsync();
        const int publishMode = 1 << 17;
        await client.SendAsync($$"""{"action":10,"channel":"modes","flags":{{publishMode}}}""");
        var attached = await client.ReceiveActionAsync(11);
        Assert.Equal(publishMode, attached["flags"]!.GetValue<int>() & unchecked((int)0xFFFF0000));
    }

    [Fact]
    public async Task Close_SendsClosed()
    {
        await using var client = await ConnectedAsync();
        await client.SendAsync("""{"action":7}""");
        await client.ReceiveActionAsync(8);
        Assert.Null(await client.ReceiveAsync());
    }

    [Fact]
    public async Task Rest_ErrorBodyAndHeaders()
    {
        using var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/channels/secret/messages");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(LimitedKey)));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("40160", response.Headers.GetValues("X-Ably-ErrorCode").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        Assert.Equal(40160, body["error"]!["code"]!.GetValue<int>());
        Assert.Equal("https://help.ably.io/error/40160", body["error"]!["href"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rest_TimeNeedsNoAuth()
    {
        using var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        var body = JsonNode.Parse(await http.GetStringAsync(new Uri("/time", UriKind.Relative), TestContext.Current.CancellationToken))!.AsArray();
        Assert.True(body[0]!.GetValue<long>() > 0);
    }

    [Fact]
    public async Task Rest_IdempotentPublish_StoredOnce()
    {
        using var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(FullKey)));
        http.DefaultRequestHeaders.Add("X-Ably-Version", "2");
        for (var i = 0; i < 2; i++)
        {
            using var content = new StringContent("""{"id":"fixed-id","name":"n","data":"once"}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/channels/idem/messages", UriKind.Relative), content, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var history = JsonNode.Parse(await http.GetStringAsync(new Uri("/channels/idem/messages", UriKind.Relative), TestContext.Current.CancellationToken))!.AsArray();
        Assert.Single(history);
    }

    [Fact]
    public async Task Rest_SignedTokenRequestReplayedNonce_40105()
    {
        using var http = new HttpClient { BaseAddress = _emulator.AblyUrl };
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var nonce = "abcdefghijklmnop0123";
        var signed = $"wire.full\n\n\n\n{timestamp}\n{nonce}\n";
        var mac = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("full-secret"), Encoding.UTF8.GetBytes(signed)));
        var body = $$"""{"keyName":"wire.full","timestamp":{{timestamp}},"nonce":"{{nonce}}","mac":"{{mac}}"}""";
        using (var first = await http.PostAsync(new Uri("/keys/wire.full/requestToken", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var token = JsonNode.Parse(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
            Assert.False(string.IsNullOrEmpty(token["token"]!.GetValue<string>()));
        }

        using var second = await http.PostAsync(new Uri("/keys/wire.full/requestToken", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal("40105", second.Headers.GetValues("X-Ably-ErrorCode").Single());
    }

    [Fact]
    public void CommandLine_AblyOptions_Parsed()
    {
        var result = EmulatorCommandLine.Parse(["--ably-port", "0", "--ably-key", "a.b:c={\"x\":[\"publish\"]}", "--ably-key=d.e:f"]);
        Assert.Null(result.Error);
        Assert.True(result.Options!.Ably.Enabled);
        Assert.False(result.Options.Firebase.Enabled);
        Assert.Equal(["a.b:c={\"x\":[\"publish\"]}", "d.e:f"], result.Options.Ably.Keys);

        var both = EmulatorCommandLine.Parse(["--ably-port", "0", "--firebase-port", "0"]);
        Assert.True(both.Options!.Firebase.Enabled);
        Assert.Contains("--ably-key", EmulatorCommandLine.Parse(["--ably-key", "nocolon"]).Error, StringComparison.Ordinal);
    }
}
