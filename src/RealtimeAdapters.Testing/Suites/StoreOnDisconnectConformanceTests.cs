using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// On-disconnect writes: set, update and remove run when the registering client's connection is lost (here: the client
/// is disposed), seen by another client; cancel forgets them; a later registration replaces an earlier one at the same
/// path; server values resolve at the disconnect; invalid operations are refused when registered.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.OnDisconnect)]
public abstract class StoreOnDisconnectConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a registration succeeds. Not claimed: it is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_OnDisconnect_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.OnDisconnect))
        {
            var store = await NewStoreAsync();
            Assert.True(store.Metadata.Supports(RealtimeCapabilities.OnDisconnect));
            await store.OnDisconnectRemoveAsync("presence/me", Ct);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.OnDisconnect, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.OnDisconnectSetAsync("presence/me", "offline", Ct);
            });
            if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
            {
                var store = await NewStoreAsync();
                Assert.False(store.Metadata.Supports(RealtimeCapabilities.OnDisconnect));
            }
        }
    }

    /// <summary>A set, an update and a removal registered by one client run when it goes away, and another client sees them.</summary>
    [Fact]
    public async Task OnDisconnect_ClientGoesAway_OperationsRunAndOthersSeeThem()
    {
        RequireStore(RealtimeCapabilities.OnDisconnect);
        var backend = await NewBackendAsync();
        var leaving = await backend.CreateStoreAsync(Ct);
        var staying = await backend.CreateStoreAsync(Ct);
        await staying.SetAsync("room", DataNode.Parse("""{"alice":{"online":true,"typing":true},"bob":{"online":true}}"""), Ct);
        await leaving.OnDisconnectSetAsync("room/alice/online", false, Ct);
        await leaving.OnDisconnectUpdateAsync("room/alice", new Dictionary<string, DataNode> { ["typing"] = DataNode.Null, ["seen/last"] = "bye" }, Ct);
        await leaving.OnDisconnectRemoveAsync("room/bob", Ct);
        var watch = await WatchPastInitialAsync(staying, "room");

        await leaving.DisposeAsync();

        var value = await watch.ReadUntilAsync(e => e.Kind == StoreEventKind.Value && !e.Snapshot.Node.HasChild("bob") && e.Snapshot.Node.GetAt("alice/seen/last").Kind == DataNodeKind.String, "the on-disconnect writes");
        AssertNode("""{"alice":{"online":false,"seen":{"last":"bye"}}}""", value[^1].Snapshot.Node);
        AssertNode("""{"alice":{"online":false,"seen":{"last":"bye"}}}""", (await staying.GetAsync("room", Ct)).Node);
    }

    /// <summary>A cancelled operation does not run; one registered elsewhere still does (the sentinel that proves the other ran).</summary>
    [Fact]
    public async Task CancelOnDisconnect_PathAndBelow_ForgottenOthersKept()
    {
        RequireStore(RealtimeCapabilities.OnDisconnect);
        var backend = await NewBackendAsync();
        var leaving = await backend.CreateStoreAsync(Ct);
        var staying = await backend.CreateStoreAsync(Ct);
        await leaving.OnDisconnectSetAsync("status/a", "gone", Ct);
        await leaving.OnDisconnectSetAsync("status/a/deep", "gone", Ct);
        await leaving.OnDisconnectSetAsync("status/sentinel", "ran", Ct);
        await leaving.CancelOnDisconnectAsync("status/a", Ct);
        var watch = await WatchPastInitialAsync(staying, "status");

        await leaving.DisposeAsync();

        await watch.ReadUntilAsync(e => e.Kind == StoreEventKind.Value && e.Snapshot.Node.HasChild("sentinel"), "the sentinel on-disconnect write");
        AssertNode("""{"sentinel":"ran"}""", (await staying.GetAsync("status", Ct)).Node);
    }

    /// <summary>A later set at a path replaces the operations registered earlier at that path and below it.</summary>
    [Fact]
    public async Task OnDisconnectSet_Again_ReplacesEarlierOperationsAtAndBelowThePath()
    {
        RequireStore(RealtimeCapabilities.OnDisconnect);
        var backend = await NewBackendAsync();
        var leaving = await backend.CreateStoreAsync(Ct);
        var staying = await backend.CreateStoreAsync(Ct);
        await leaving.OnDisconnectSetAsync("s/x/y", 1, Ct);
        await leaving.OnDisconnectSetAsync("s/x", DataNode.Parse("""{"z":2}"""), Ct);
        await leaving.OnDisconnectSetAsync("s/x", DataNode.Parse("""{"z":3}"""), Ct);
        var watch = await WatchPastInitialAsync(staying, "s");

        await leaving.DisposeAsync();

        await watch.ReadUntilAsync(e => e.Kind == StoreEventKind.Value && e.Snapshot.Exists, "the on-disconnect write");
        AssertNode("""{"x":{"z":3}}""", (await staying.GetAsync("s", Ct)).Node);
    }

    /// <summary>A server timestamp in an on-disconnect write is the backend's time of the disconnect.</summary>
    [Fact]
    public async Task OnDisconnectSet_ServerTimestamp_ResolvedWhenItRuns()
    {
        RequireStore(RealtimeCapabilities.OnDisconnect | RealtimeCapabilities.ServerValues);
        var backend = await NewBackendAsync();
        var leaving = await backend.CreateStoreAsync(Ct);
        var staying = await backend.CreateStoreAsync(Ct);
        await leaving.OnDisconnectSetAsync("lastSeen/me", ServerValue.Timestamp, Ct);
        if (backend.CanControlTime)
        {
            backend.AdvanceTime(TimeSpan.FromMinutes(5));
        }

        var watch = await WatchPastInitialAsync(staying, "lastSeen/me");
        var before = backend.TimeProvider.GetUtcNow();
        await leaving.DisposeAsync();

        var value = await watch.ReadUntilAsync(e => e.Kind == StoreEventKind.Value && e.Snapshot.Exists, "the on-disconnect timestamp");
        Assert.Equal(DataNodeKind.Number, value[^1].Snapshot.Node.Kind);
        AssertTimestampBetween(before, backend.TimeProvider.GetUtcNow(), value[^1].Snapshot.Node.GetNumber());
    }

    /// <summary>Invalid operations are refused when registered, naming the problem, and nothing runs for them.</summary>
    [Fact]
    public async Task OnDisconnect_InvalidOperation_RefusedWhenRegistered()
    {
        RequireStore(RealtimeCapabilities.OnDisconnect);
        var store = await NewStoreAsync();
        var tooDeep = DataNode.Null;
        for (var i = 0; i < RealtimePath.MaxDepth; i++)
        {
            tooDeep = DataNode.FromChildren([new("d", tooDeep.IsNull ? 1 : tooDeep)]);
        }

        await Assert.ThrowsAsync<RealtimeValidationException>(() => store.OnDisconnectSetAsync("deep", tooDeep, Ct).AsTask());
        await Assert.ThrowsAsync<RealtimeValidationException>(() => store.OnDisconnectUpdateAsync(
            "u", new Dictionary<string, DataNode> { ["a"] = 1, ["a/b"] = 2 }, Ct).AsTask());
    }
}
