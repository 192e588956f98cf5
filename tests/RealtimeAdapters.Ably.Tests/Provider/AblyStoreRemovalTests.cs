using RealtimeAdapters.Ably.LiveObjects;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>
/// A removal on the LiveObjects store and writes below the removed location, from clients whose view is current or held
/// stale (<see cref="AblyFaultInjector.HoldObjects"/>): no removed entry comes back, no acknowledged write is invisible.
/// </summary>
public sealed class AblyStoreRemovalTests : AblyEmulatorTest
{
    private const string Channel = "store";

    /// <summary>A client that saw the removal writes below it: the location is a fresh map holding only the new entry (before, the removed map came back with its entries).</summary>
    [Fact]
    public async Task SetAsync_BelowRemovedParent_HoldsOnlyTheNewEntry()
    {
        await using var a = Store();
        await using var b = Store();
        await a.SetAsync("p", DataNode.Parse("""{"old1":1,"old2":{"deep":true}}"""), Ct);
        await a.RemoveAsync("p", Ct);
        Assert.False((await b.GetAsync("p", Ct)).Exists);

        await b.SetAsync("p/x", 1, Ct);

        await AssertEveryViewAsync("""{"x":1}""", a, b);
    }

    /// <summary>
    /// A client whose view is older than the removal writes below the removed location: the service refuses the write into
    /// the deleted map, the store plans it again against the view that now includes the removal, and the location holds
    /// only the new entry on every client (before, the write went into the detached map and no one saw it).
    /// </summary>
    [Fact]
    public async Task SetAsync_StaleViewBelowRemovedParent_WrittenToAFreshMapAndSeenByAll()
    {
        await using var a = Store();
        await using var b = Store();
        await SeedAsync(a, b, """{"old1":1,"old2":{"deep":true}}""", holdStale: b);

        await a.RemoveAsync("p", Ct);
        Assert.Equal("""{"old1":1,"old2":{"deep":true}}""", Replica(b).Tree.Get("p").Node.ToJsonString());
        await b.SetAsync("p/x", 1, Ct);

        await AssertEveryViewAsync("""{"x":1}""", a, b);
    }

    /// <summary>A stale client rewrites a whole subtree that another client has removed: the new subtree stands alone, and the deleted maps are not written to.</summary>
    [Fact]
    public async Task SetAsync_StaleViewReplacesRemovedSubtree_OnlyTheNewValue()
    {
        await using var a = Store();
        await using var b = Store();
        await SeedAsync(a, b, """{"keep":2,"q":{"old":1}}""", holdStale: b);

        await a.RemoveAsync("p", Ct);
        await b.UpdateAsync("p", new Dictionary<string, DataNode> { ["q/new"] = "n", ["keep"] = 3 }, Ct);

        await AssertEveryViewAsync("""{"keep":3,"q":{"new":"n"}}""", a, b);
    }

    /// <summary>
    /// The write lands before the removal (the remover's view is held stale instead): the write is seen, and then removed
    /// by the later removal, on every client; nothing is left behind.
    /// </summary>
    [Fact]
    public async Task RemoveAsync_AfterAnotherClientsWriteBelow_RemovesEverything()
    {
        await using var a = Store();
        await using var b = Store();
        await SeedAsync(a, b, """{"old":1}""", holdStale: a);

        await b.SetAsync("p/x", 1, Ct);
        await a.RemoveAsync("p", Ct);

        await AssertEveryViewAsync(null, a, b);
        await b.SetAsync("p/y", 2, Ct);
        await AssertEveryViewAsync("""{"y":2}""", a, b);
    }

    /// <summary>Removing a location deletes its map and every map below it (OBJECT_DELETE to every client), so no client keeps writable detached maps.</summary>
    [Fact]
    public async Task RemoveAsync_DeletesTheRemovedMapsOnEveryClient()
    {
        await using var a = Store();
        await using var b = Store();
        await SeedAsync(a, b, """{"q":{"r":{"s":1}}}""");
        var before = LiveMaps(b);

        await a.RemoveAsync("p", Ct);
        await b.GetAsync("p", Ct);

        Assert.Equal(before - 3, LiveMaps(b));
        Assert.Equal(before - 3, LiveMaps(a));
    }

    /// <summary>Two clients that both saw the removal re-create the location at once: they create the same fresh map, and both entries survive (risk R1 after a removal).</summary>
    [Fact]
    public async Task SetAsync_TwoStoresRecreateRemovedParentAtOnce_KeepBoth()
    {
        await using var a = Store();
        await using var b = Store();
        await a.SetAsync("p", DataNode.Parse("""{"old":1}"""), Ct);
        await a.RemoveAsync("p", Ct);
        await b.GetAsync("p", Ct);

        await Task.WhenAll(a.SetAsync("p/x", 1, Ct).AsTask(), b.SetAsync("p/y", 2, Ct).AsTask()).WaitAsync(Wait, Ct);

        await AssertEveryViewAsync("""{"x":1,"y":2}""", a, b);
    }

    /// <summary>The fault hook itself: a held view misses other clients' operations (a read's round trip does not bring them) until they are released.</summary>
    [Fact]
    public async Task HoldObjects_UntilReleased_ViewMissesOtherClientsWrites()
    {
        await using var a = Store();
        await using var b = Store();
        await SeedAsync(a, b, """{"v":1}""", holdStale: b);

        await a.SetAsync("p/v", 2, Ct);
        Assert.Equal("""{"v":1}""", (await b.GetAsync("p", Ct)).Node.ToJsonString());

        Emulator.AblyFaults.ReleaseObjects(ConnectionId(b), Channel);
        Assert.Equal("""{"v":2}""", (await b.GetAsync("p", Ct)).Node.ToJsonString());
        Assert.False(Emulator.AblyFaults.HoldObjects("no-such-connection", Channel));
    }

    /// <summary>Store <paramref name="a"/> writes /p, <paramref name="b"/> has seen it; the view of <paramref name="holdStale"/> is then held stale.</summary>
    private async Task SeedAsync(AblyRealtimeStore a, AblyRealtimeStore b, string json, AblyRealtimeStore? holdStale = null)
    {
        await a.SetAsync("p", DataNode.Parse(json), Ct);
        Assert.Equal(json, (await b.GetAsync("p", Ct)).Node.ToJsonString());
        if (holdStale is not null)
        {
            Assert.True(Emulator.AblyFaults.HoldObjects(ConnectionId(holdStale), Channel));
        }
    }

    private async Task AssertEveryViewAsync(string? expected, params AblyRealtimeStore[] stores)
    {
        await using var fresh = Store();
        foreach (var store in stores.Append(fresh))
        {
            var node = (await store.GetAsync("p", Ct)).Node;
            Assert.Equal(expected, node.IsNull ? null : node.ToJsonString());
        }
    }

    private AblyRealtimeStore Store()
    {
        var options = ClientOptions();
        options.StoreChannel = Channel;
        return new AblyRealtimeStore(options);
    }

    private static AblyChannelClient Client(AblyRealtimeStore store) => (AblyChannelClient)store.GetService(typeof(AblyChannelClient))!;

    private static string ConnectionId(AblyRealtimeStore store) => Client(store).RealtimeConnection.ConnectionId!;

    private static ObjectsReplica Replica(AblyRealtimeStore store) => store.Replica;

    private static int LiveMaps(AblyRealtimeStore store) => store.Replica.LiveMapCount;
}
