using System.Net.WebSockets;
using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Firebase.Realtime.RealtimeWireClient;

namespace RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

/// <summary>onDisconnect writes: registered, replaced, cancelled, and run when the connection closes, after its other requests.</summary>
public class FirebaseWebSocketDisconnectTests
{
    [Fact]
    public async Task OnDisconnectSet_RunsWhenTheConnectionCloses_SeenByAnotherClient_ServerValueResolvedThen()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(time: time);
        await using var watcher = await ConnectAsync(host.Emulator.FirebaseUrl);
        await watcher.RequestAsync("q", Body("""{"p":"/presence","h":""}"""));
        var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("p", Body("""{"p":"/presence/alice","d":{"online":true}}"""));
        Assert.Equal("ok", Status((await client.RequestAsync("o", Body("""{"p":"/presence/alice","d":{"online":false,"at":{".sv":"timestamp"}}}"""))).Answer));
        await watcher.PushAsync();
        time.Advance(TimeSpan.FromMinutes(1));

        await client.DisposeAsync();

        var push = await watcher.PushAsync();
        Assert.Equal("/presence/alice", (string?)push["b"]!["p"]);
        Assert.Equal(DataNode.Parse($$"""{"online":false,"at":{{time.GetUtcNow().ToUnixTimeMilliseconds()}}}"""), DataNode.FromJsonNode(push["b"]!["d"]));
    }

    [Fact]
    public async Task OnDisconnectMergeAndCancel_MergeEntriesRun_CancelledOnesDoNot()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/s", """{"a":1,"b":1,"c":1}""");
        await using var watcher = await ConnectAsync(host.Emulator.FirebaseUrl);
        await watcher.RequestAsync("q", Body("""{"p":"/s","h":""}"""));
        var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.RequestAsync("om", Body("""{"p":"/s","d":{"a":2,"b":2}}"""));
        await client.RequestAsync("o", Body("""{"p":"/s/c","d":null}"""));
        await client.RequestAsync("oc", Body("""{"p":"/s/c","d":null}"""));
        await client.RequestAsync("oc", Body("""{"p":"/s/b","d":null}"""));
        await client.DisposeAsync();

        var push = await watcher.PushAsync();
        Assert.Equal("""{"a":"d","b":{"p":"/s/a","d":2}}""", push.ToJsonString());
        Assert.Empty(await watcher.DrainAsync());
        Assert.Equal(DataNode.Parse("""{"a":2,"b":1,"c":1}"""), host.Emulator.GetFirebaseDatabase().Root.GetChild("s"));
    }

    [Fact]
    public async Task OnDisconnect_LaterSetReplacesEarlierAtAndBelow()
    {
        await using var host = await EmulatorHost.StartAsync();
        var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.RequestAsync("o", Body("""{"p":"/r/a/x","d":1}"""));
        await client.RequestAsync("o", Body("""{"p":"/r/b","d":1}"""));
        await client.RequestAsync("o", Body("""{"p":"/r/a","d":{"y":2}}"""));
        await client.DisposeAsync();
        await using var other = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (answer, _) = await other.RequestAsync("g", Body("""{"p":"/r","q":{}}"""));
        Assert.Equal(DataNode.Parse("""{"a":{"y":2},"b":1}"""), DataNode.FromJsonNode(answer["d"]));
    }

    [Fact]
    public async Task OnDisconnect_RunsAfterEveryRequestSentBeforeTheClose()
    {
        await using var host = await EmulatorHost.StartAsync();
        var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        // Sent without waiting for answers, then the socket is closed at once.
        await client.SendRequestAsync("o", Body("""{"p":"/status","d":"offline"}"""));
        await client.SendRequestAsync("p", Body("""{"p":"/status","d":"online"}"""));
        await client.SendRequestAsync("p", Body("""{"p":"/other","d":1}"""));
        await client.DisposeAsync();
        await using var other = await ConnectAsync(host.Emulator.FirebaseUrl);
        await other.RequestAsync("q", Body("""{"p":"/status","h":""}"""));

        var (answer, _) = await other.RequestAsync("g", Body("""{"p":"/","q":{}}"""));
        Assert.Equal(DataNode.Parse("""{"status":"offline","other":1}"""), DataNode.FromJsonNode(answer["d"]));
    }

    [Fact]
    public async Task Reconnect_NamingItsOpenPreviousSession_EndsItAndRunsItsWritesBeforeTheHandshake()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var old = await ConnectAsync(host.Emulator.FirebaseUrl);
        await old.RequestAsync("o", Body("""{"p":"/presence/alice","d":null}"""));
        await old.RequestAsync("p", Body("""{"p":"/presence/alice","d":true}"""));

        await using var successor = await ConnectAsync(host.Emulator.FirebaseUrl, extraQuery: "&ls=" + old.SessionId);

        // The handshake came after the previous session's writes: the value is gone already.
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.GetAt("presence/alice").IsNull);
        Assert.Null(await old.ReceiveAsync());
        Assert.NotEqual(WebSocketState.Open, old.State);
        Assert.Equal("ok", Status((await successor.RequestAsync("p", Body("""{"p":"/presence/alice","d":true}"""))).Answer));
    }

    [Fact]
    public async Task Reconnect_NamingAnUnknownSession_JustConnects()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl, extraQuery: "&ls=0123456789abcdef");
        Assert.Empty(await client.DrainAsync());
    }

    [Fact]
    public async Task EmulatorStopping_OnDisconnectWritesRunAndTheSocketEnds()
    {
        await using var host = await EmulatorHost.StartAsync();
        var database = host.Emulator.GetFirebaseDatabase();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("o", Body("""{"p":"/bye","d":true}"""));

        await host.Emulator.DisposeAsync();

        Assert.True(database.Root.GetChild("bye").GetBoolean());
        Assert.Null(await client.ReceiveAsync().ContinueWith(t => t.IsFaulted ? null : t.Result, TaskScheduler.Default));
    }
}
