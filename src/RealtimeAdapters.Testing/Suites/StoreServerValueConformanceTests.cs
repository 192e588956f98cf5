using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>Server values: the timestamp (the backend's clock, in milliseconds) and atomic increment, in sets, updates, pushes and priorities.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.ServerValues)]
public abstract class StoreServerValueConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a timestamp resolves. Not claimed: writing a server value is refused with <see cref="RealtimeNotSupportedException"/>, never stored as a placeholder.</summary>
    [Fact]
    public async Task Capability_ServerValues_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.ServerValues))
        {
            var store = await NewStoreAsync();
            Assert.True(store.Metadata.Supports(RealtimeCapabilities.ServerValues));
            await store.SetAsync("sv", ServerValue.Increment(1), Ct);
            AssertNode("1", (await store.GetAsync("sv", Ct)).Node);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.ServerValues, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.SetAsync("sv", ServerValue.Timestamp, Ct);
            });
            if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
            {
                var store = await NewStoreAsync();
                Assert.False(store.Metadata.Supports(RealtimeCapabilities.ServerValues));
                await Assert.ThrowsAnyAsync<RealtimeNotSupportedException>(() => store.SetAsync("sv", DataNode.FromChildren([new("at", ServerValue.Timestamp)]), Ct).AsTask());
                await Assert.ThrowsAnyAsync<RealtimeNotSupportedException>(() => store.UpdateAsync("sv", new Dictionary<string, DataNode> { ["n"] = ServerValue.Increment(1) }, Ct).AsTask());
                Assert.False((await store.GetAsync("sv", Ct)).Exists);
            }
        }
    }

    /// <summary>A timestamp resolves to the backend's time in whole milliseconds since the Unix epoch.</summary>
    [Fact]
    public async Task Timestamp_Set_ResolvesToBackendTime()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var backend = await NewBackendAsync();
        var store = await backend.CreateStoreAsync(Ct);
        var before = backend.TimeProvider.GetUtcNow();
        await store.SetAsync("at", ServerValue.Timestamp, Ct);
        var after = backend.TimeProvider.GetUtcNow();
        var node = (await store.GetAsync("at", Ct)).Node;
        Assert.Equal(DataNodeKind.Number, node.Kind);
        Assert.Equal(Math.Floor(node.GetNumber()), node.GetNumber());
        AssertTimestampBetween(before, after, node.GetNumber());
    }

    /// <summary>Timestamps inside an object resolve, all to the same time within one write.</summary>
    [Fact]
    public async Task Timestamp_SeveralInOneWrite_ResolveToSameTime()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var backend = await NewBackendAsync();
        var store = await backend.CreateStoreAsync(Ct);
        var before = backend.TimeProvider.GetUtcNow();
        await store.SetAsync("doc", DataNode.Parse("""{"created":{".sv":"timestamp"},"meta":{"updated":{".sv":"timestamp"}},"title":"t"}"""), Ct);
        var after = backend.TimeProvider.GetUtcNow();
        var doc = (await store.GetAsync("doc", Ct)).Node;
        var created = doc.GetChild("created").GetNumber();
        Assert.Equal(created, doc.GetAt("meta/updated").GetNumber());
        AssertTimestampBetween(before, after, created);
        AssertNode("\"t\"", doc.GetChild("title"));
    }

    /// <summary>Timestamps resolve in updates and pushes too.</summary>
    [Fact]
    public async Task Timestamp_InUpdateAndPush_Resolves()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var backend = await NewBackendAsync();
        var store = await backend.CreateStoreAsync(Ct);
        var before = backend.TimeProvider.GetUtcNow();
        await store.UpdateAsync("u", new Dictionary<string, DataNode> { ["a/at"] = ServerValue.Timestamp, ["b"] = 1 }, Ct);
        var pushed = await store.PushAsync("log", DataNode.FromChildren([new("at", ServerValue.Timestamp)]), Ct);
        var after = backend.TimeProvider.GetUtcNow();
        AssertTimestampBetween(before, after, (await store.GetAsync("u/a/at", Ct)).Node.GetNumber());
        AssertTimestampBetween(before, after, (await store.GetAsync(pushed.Child("at"), Ct)).Node.GetNumber());
    }

    /// <summary>When the backend's clock can be moved, timestamps follow it.</summary>
    [Fact]
    public async Task Timestamp_AfterClockMoves_FollowsBackendClock()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var backend = await NewBackendAsync();
        Assert.SkipUnless(backend.CanControlTime, $"{Fixture.ProviderName}'s backend runs on a real clock.");
        var store = await backend.CreateStoreAsync(Ct);
        await store.SetAsync("t1", ServerValue.Timestamp, Ct);
        backend.AdvanceTime(TimeSpan.FromHours(1));
        var before = backend.TimeProvider.GetUtcNow();
        await store.SetAsync("t2", ServerValue.Timestamp, Ct);
        var after = backend.TimeProvider.GetUtcNow();
        var t1 = (await store.GetAsync("t1", Ct)).Node.GetNumber();
        var t2 = (await store.GetAsync("t2", Ct)).Node.GetNumber();
        AssertTimestampBetween(before, after, t2);
        Assert.True(t2 - t1 >= TimeSpan.FromHours(1).TotalMilliseconds, $"t2 ({t2}) should be at least an hour after t1 ({t1}).");
    }

    /// <summary>Increment adds to an existing number.</summary>
    /// <param name="initial">The stored number.</param>
    /// <param name="delta">The increment.</param>
    /// <param name="expected">The result.</param>
    [Theory]
    [InlineData(5.0, 2.0, 7.0)]
    [InlineData(5.0, 2.5, 7.5)]
    [InlineData(10.0, -3.0, 7.0)]
    [InlineData(0.5, 0.25, 0.75)]
    public async Task Increment_ExistingNumber_Adds(double initial, double delta, double expected)
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var store = await NewStoreAsync();
        await store.SetAsync("n", initial, Ct);
        await store.SetAsync("n", ServerValue.Increment(delta), Ct);
        AssertNode(DataNode.FromNumber(expected), (await store.GetAsync("n", Ct)).Node);
    }

    /// <summary>Increment of a missing value, or of a value that is not a number, gives the delta.</summary>
    /// <param name="existingJson">The stored value, or <c>null</c> for none.</param>
    [Theory]
    [InlineData("null")]
    [InlineData("\"text\"")]
    [InlineData("true")]
    [InlineData("""{"a":1}""")]
    public async Task Increment_MissingOrNotANumber_GivesDelta(string existingJson)
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var store = await NewStoreAsync();
        await store.SetAsync("n", DataNode.Parse(existingJson), Ct);
        await store.SetAsync("n", ServerValue.Increment(3), Ct);
        AssertNode("3", (await store.GetAsync("n", Ct)).Node);
    }

    /// <summary>Increments in one update resolve against each path's own current value.</summary>
    [Fact]
    public async Task Increment_InUpdate_ResolvesPerPath()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var store = await NewStoreAsync();
        await store.SetAsync("stats", DataNode.Parse("""{"views":10,"likes":"n/a"}"""), Ct);
        await store.UpdateAsync("stats", new Dictionary<string, DataNode>
        {
            ["views"] = ServerValue.Increment(1),
            ["likes"] = ServerValue.Increment(2),
            ["shares"] = ServerValue.Increment(5),
        }, Ct);
        AssertNode("""{"views":11,"likes":2,"shares":5}""", (await store.GetAsync("stats", Ct)).Node);
    }

    /// <summary>Increments inside a written object resolve against the values at the same places before the write.</summary>
    [Fact]
    public async Task Increment_InsideObject_ResolvesAgainstPreviousValue()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var store = await NewStoreAsync();
        await store.SetAsync("o", DataNode.Parse("""{"count":4,"other":1}"""), Ct);
        await store.SetAsync("o", DataNode.FromChildren([new("count", ServerValue.Increment(1)), new("label", "x")]), Ct);
        AssertNode("""{"count":5,"label":"x"}""", (await store.GetAsync("o", Ct)).Node);
    }

    /// <summary>Concurrent increments from several clients are atomic: none is lost.</summary>
    [Fact]
    public async Task Increment_Concurrent_IsAtomic()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var backend = await NewBackendAsync();
        var stores = new[] { await backend.CreateStoreAsync(Ct), await backend.CreateStoreAsync(Ct) };
        const int PerStore = 20;
        await Task.WhenAll(stores.SelectMany(static s => Enumerable.Range(0, PerStore).Select(_ => s.SetAsync("hits", ServerValue.Increment(1), Ct).AsTask())));
        AssertNode(DataNode.FromNumber(stores.Length * PerStore), (await stores[0].GetAsync("hits", Ct)).Node);
    }

    /// <summary>What readers and watchers see is the resolved value, never the placeholder.</summary>
    [Fact]
    public async Task ServerValues_ReadAndWatched_AreResolved()
    {
        RequireStore(RealtimeCapabilities.ServerValues);
        var store = await NewStoreAsync();
        var reader = await WatchPastInitialAsync(store, "r");
        await store.SetAsync("r", DataNode.FromChildren([new("at", ServerValue.Timestamp), new("n", ServerValue.Increment(2))]), Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event");
        Assert.All(events, static e => Assert.False(e.Snapshot.Node.ContainsServerValues, $"{e.Kind} carries an unresolved server value."));
        var read = await ReadRootAsync(store);
        Assert.False(read.ContainsServerValues);
        Assert.Equal(DataNodeKind.Number, read.GetAt("r/at").Kind);
        AssertNode("2", read.GetAt("r/n"));
        AssertNode(read.GetChild("r"), events[^1].Snapshot.Node);
    }

    /// <summary>A timestamp used as a priority resolves to the backend's time.</summary>
    [Fact]
    public async Task Timestamp_AsPriority_Resolves()
    {
        RequireStore(RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities);
        var backend = await NewBackendAsync();
        var store = await backend.CreateStoreAsync(Ct);
        await store.SetAsync("p", "value", Ct);
        var before = backend.TimeProvider.GetUtcNow();
        await store.SetPriorityAsync("p", ServerValue.Timestamp, Ct);
        var after = backend.TimeProvider.GetUtcNow();
        var priority = (await store.GetAsync("p", Ct)).Priority;
        Assert.Equal(DataNodeKind.Number, priority.Kind);
        AssertTimestampBetween(before, after, priority.GetNumber());
    }
}
