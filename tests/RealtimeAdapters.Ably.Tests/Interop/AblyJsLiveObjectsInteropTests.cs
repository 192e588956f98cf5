using System.Text.Json;
using System.Text.Json.Nodes;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Interop;

/// <summary>
/// The C# LiveObjects store and the official ably-js with its <c>ably/liveobjects</c> plugin (2.28.0) on one emulator, in
/// both directions, with every pairing of wire formats (the C# client's, then ably-js's).
/// </summary>
public sealed class AblyJsLiveObjectsInteropTests(AblyJsInteropFixture fixture) : IClassFixture<AblyJsInteropFixture>
{
    private static readonly TimeSpan Wait = AblyJsPeer.Wait;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AblyJsPeer Peer => fixture.Peer;

    /// <summary>A C# set below a missing parent reaches an ably-js path subscription on that parent, and the JS view matches the C# tree.</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task SetAsync_FromCSharp_AblyJsPathSubscriptionSeesIt(bool csharpBinary, bool jsBinary)
    {
        var channel = fixture.Unique("lo-cs-to-js");
        var js = await ConnectJsAsync(jsBinary);
        await Peer.SendAsync("objectsSubscribe", new JsonObject { ["client"] = js, ["channel"] = channel, ["path"] = "todos" });
        await using var store = CreateStore(channel, csharpBinary);

        await store.SetAsync("todos/t1", DataNode.Parse("""{"title":"milk ✓","done":false,"n":1.5}"""), Ct).AsTask().WaitAsync(Wait, Ct);

        var seen = await Peer.WaitForEventsAsync(
            e => e.GetProperty("event").GetString() == "object" && e.GetProperty("client").GetString() == js &&
                e.GetProperty("value") is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("t1", out var t1) &&
                t1.TryGetProperty("n", out _) && t1.TryGetProperty("title", out _) && t1.TryGetProperty("done", out _),
            1,
            "the JS subscription on todos to see t1");
        Assert.Equal(DataNode.Parse("""{"t1":{"title":"milk ✓","done":false,"n":1.5}}""").ToJsonString(), Canonical(seen[0].GetProperty("value")));
        var root = await Peer.SendAsync("objectsGet", new JsonObject { ["client"] = js, ["channel"] = channel });
        Assert.Equal(Canonical((await store.GetAsync(RealtimePath.Root, Ct)).Node.ToJsonElement()), Canonical(root));
    }

    /// <summary>An ably-js batch (one OBJECT frame of three sets) reaches a C# watch as one change: three child events and one value event.</summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Batch_FromAblyJs_CSharpWatchSeesOneChange(bool csharpBinary, bool jsBinary)
    {
        var channel = fixture.Unique("lo-js-to-cs");
        var js = await ConnectJsAsync(jsBinary);
        await Peer.SendAsync("objectsSetMap", new JsonObject { ["client"] = js, ["channel"] = channel, ["key"] = "scores", ["entries"] = new JsonObject { ["seed"] = 0 } });
        await using var store = CreateStore(channel, csharpBinary);
        await using var watch = new SubscriptionReader<StoreEvent>(await store.WatchAsync("scores", cancellationToken: Ct), Wait, Ct);
        var initial = await watch.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the initial value");
        Assert.Equal("""{"seed":0}""", initial[^1].Snapshot.ToJsonString());

        await Peer.SendAsync("objectsBatch", new JsonObject
        {
            ["client"] = js,
            ["channel"] = channel,
            ["path"] = "scores",
            ["set"] = new JsonObject { ["alice"] = 3, ["bob"] = "two", ["carol"] = true },
            ["remove"] = new JsonArray("seed"),
        });

        var change = await watch.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the batch's value event");
        Assert.Equal(
            ["ChildRemoved:seed", "ChildAdded:alice", "ChildAdded:bob", "ChildAdded:carol", "Value:"],
            change.Select(e => $"{e.Kind}:{(e.Kind == StoreEventKind.Value ? string.Empty : e.Snapshot.Key)}"));
        Assert.Equal("""{"alice":3,"bob":"two","carol":true}""", change[^1].Snapshot.ToJsonString());
    }

    /// <summary>
    /// ably-js, its view held stale, writes below a location a C# store removed: the service refuses the write into the
    /// deleted map (92002) instead of keeping it where no one sees it; the JS view then shows the removal, and a JS
    /// re-creation is seen by the C# store with only the new entries.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Remove_FromCSharp_StaleAblyJsWriteBelowIsRefused(bool csharpBinary, bool jsBinary)
    {
        var channel = fixture.Unique("lo-stale-js");
        await using var store = CreateStore(channel, csharpBinary);
        await store.SetAsync("p", DataNode.Parse("""{"old":1,"deep":{"d":true}}"""), Ct);
        var (js, connectionId) = await ConnectJsWithIdAsync(jsBinary);
        Assert.Equal("""{"deep":{"d":true},"old":1}""", Canonical(await Peer.SendAsync("objectsGet", new JsonObject { ["client"] = js, ["channel"] = channel, ["path"] = "p" })));
        Assert.True(fixture.Emulator.AblyFaults.HoldObjects(connectionId, channel));

        await store.RemoveAsync("p", Ct);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Peer.SendAsync("objectsBatch", new JsonObject
        {
            ["client"] = js,
            ["channel"] = channel,
            ["path"] = "p",
            ["set"] = new JsonObject { ["x"] = 1 },
        }));
        Assert.Contains("code 92002", refused.Message, StringComparison.Ordinal);
        Assert.Equal("null", Canonical(await Peer.SendAsync("objectsGet", new JsonObject { ["client"] = js, ["channel"] = channel, ["path"] = "p" })));
        Assert.False((await store.GetAsync("p", Ct)).Exists);

        await Peer.SendAsync("objectsSetMap", new JsonObject { ["client"] = js, ["channel"] = channel, ["key"] = "p", ["entries"] = new JsonObject { ["x"] = 1 } });
        Assert.Equal("""{"x":1}""", (await store.GetAsync("p", Ct)).Node.ToJsonString());
    }

    /// <summary>
    /// A C# store, its view held stale, writes below a location ably-js removed: the store plans the write again against
    /// the removal and creates a fresh map, so ably-js and the store both see only the new entry.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Remove_FromAblyJs_StaleCSharpWriteBelowLandsInAFreshMap(bool csharpBinary, bool jsBinary)
    {
        var channel = fixture.Unique("lo-stale-cs");
        var js = await ConnectJsAsync(jsBinary);
        await Peer.SendAsync("objectsSetMap", new JsonObject { ["client"] = js, ["channel"] = channel, ["key"] = "p", ["entries"] = new JsonObject { ["old"] = 1 } });
        await using var store = CreateStore(channel, csharpBinary);
        Assert.Equal("""{"old":1}""", (await store.GetAsync("p", Ct)).Node.ToJsonString());
        var client = (AblyChannelClient)store.GetService(typeof(AblyChannelClient))!;
        Assert.True(fixture.Emulator.AblyFaults.HoldObjects(client.RealtimeConnection.ConnectionId!, channel));

        await Peer.SendAsync("objectsBatch", new JsonObject { ["client"] = js, ["channel"] = channel, ["remove"] = new JsonArray("p") });
        await store.SetAsync("p/x", 1, Ct).AsTask().WaitAsync(Wait, Ct);

        Assert.Equal("""{"x":1}""", (await store.GetAsync("p", Ct)).Node.ToJsonString());
        Assert.Equal("""{"x":1}""", Canonical(await Peer.SendAsync("objectsGet", new JsonObject { ["client"] = js, ["channel"] = channel, ["path"] = "p" })));
    }

    /// <summary>
    /// ably-js's LiveObjects REST client against the emulator's REST API: its compact and full reads match the C# tree,
    /// and its published operations (a set by wildcard path, a counter created at a path) reach the C# store.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RestApi_AblyJsRestClient_ReadsAndPublishes(bool jsBinary)
    {
        var channel = fixture.Unique("lo-rest");
        await using var store = CreateStore(channel, binary: false);
        await store.SetAsync("votes", DataNode.Parse("""{"up":{"n":1},"down":{"n":2},"label":"poll"}"""), Ct);

        var compact = await Peer.SendAsync("objectsRestGet", new JsonObject { ["channel"] = channel, ["binary"] = jsBinary });
        Assert.Equal((await store.GetAsync(RealtimePath.Root, Ct)).Node.ToJsonString(), Canonical(compact));
        var full = await Peer.SendAsync("objectsRestGet", new JsonObject { ["channel"] = channel, ["binary"] = jsBinary, ["path"] = "votes", ["compact"] = false });
        Assert.StartsWith("map:", full.GetProperty("objectId").GetString(), StringComparison.Ordinal);
        Assert.Equal("lww", full.GetProperty("map").GetProperty("semantics").GetString());

        var published = await Peer.SendAsync("objectsRestPublish", new JsonObject
        {
            ["channel"] = channel,
            ["binary"] = jsBinary,
            ["operations"] = new JsonArray(
                new JsonObject { ["path"] = "votes.*", ["mapSet"] = new JsonObject { ["key"] = "n", ["value"] = new JsonObject { ["number"] = 9 } } },
                new JsonObject { ["path"] = "votes.total", ["counterCreate"] = new JsonObject { ["count"] = 18 } }),
        });
        Assert.Equal(channel, published.GetProperty("channel").GetString());
        Assert.Equal("""{"down":{"n":9},"label":"poll","total":18,"up":{"n":9}}""", (await store.GetAsync("votes", Ct)).Node.ToJsonString());
    }

    /// <summary>MAP_CLEAR from the service (published through the emulator's REST API) empties the map for ably-js's realtime view and the C# store alike.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MapClear_FromService_SeenByAblyJsAndCSharp(bool jsBinary)
    {
        var channel = fixture.Unique("lo-clear");
        await using var store = CreateStore(channel, binary: false);
        await store.SetAsync("room", DataNode.Parse("""{"a":1,"b":{"c":2}}"""), Ct);
        await store.SetAsync("keep", 1, Ct);
        var js = await ConnectJsAsync(jsBinary);
        Assert.Equal("""{"a":1,"b":{"c":2}}""", Canonical(await Peer.SendAsync("objectsGet", new JsonObject { ["client"] = js, ["channel"] = channel, ["path"] = "room" })));
        await Peer.SendAsync("objectsSubscribe", new JsonObject { ["client"] = js, ["channel"] = channel, ["path"] = "room" });

        await Peer.SendAsync("objectsRestPublish", new JsonObject { ["channel"] = channel, ["operations"] = new JsonObject { ["path"] = "room", ["mapClear"] = new JsonObject() } });

        await Peer.WaitForEventsAsync(
            e => e.GetProperty("event").GetString() == "object" && e.GetProperty("client").GetString() == js && e.GetProperty("value") is var v &&
                (v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any())),
            1,
            "the JS view of room to be emptied");
        Assert.Equal("""{"keep":1}""", (await store.GetAsync(RealtimePath.Root, Ct)).Node.ToJsonString());
    }

    private AblyRealtimeStore CreateStore(string channel, bool binary) => new(new AblyChannelClientOptions
    {
        Endpoint = fixture.Emulator.AblyUrl,
        Key = fixture.Emulator.AblyKeys[0],
        UseBinaryProtocol = binary,
        StoreChannel = channel,
    });

    private async Task<string> ConnectJsAsync(bool binary) => (await ConnectJsWithIdAsync(binary)).Handle;

    private async Task<(string Handle, string ConnectionId)> ConnectJsWithIdAsync(bool binary)
    {
        var handle = fixture.Unique("js-objects");
        var connected = await Peer.SendAsync("connect", new JsonObject { ["client"] = handle, ["clientId"] = null, ["binary"] = binary, ["objects"] = true });
        return (handle, connected.GetProperty("connectionId").GetString()!);
    }

    /// <summary>JSON with object keys sorted, so two trees compare by content.</summary>
    private static string Canonical(JsonElement e) => DataNode.FromJson(e).ToJsonString();
}
