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

    private AblyRealtimeStore CreateStore(string channel, bool binary) => new(new AblyChannelClientOptions
    {
        Endpoint = fixture.Emulator.AblyUrl,
        Key = fixture.Emulator.AblyKeys[0],
        UseBinaryProtocol = binary,
        StoreChannel = channel,
    });

    private async Task<string> ConnectJsAsync(bool binary)
    {
        var handle = fixture.Unique("js-objects");
        await Peer.SendAsync("connect", new JsonObject { ["client"] = handle, ["clientId"] = null, ["binary"] = binary, ["objects"] = true });
        return handle;
    }

    /// <summary>JSON with object keys sorted, so two trees compare by content.</summary>
    private static string Canonical(JsonElement e) => DataNode.FromJson(e).ToJsonString();
}
