using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Live query windows: watches of ordered, ranged and limited queries report children entering and leaving the window,
/// moving within it, and changing, each with its predecessor's key; writes that leave the window unchanged report nothing.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Queries)]
public abstract class StoreLiveQueryConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    private static RealtimeQuery TopTwo => RealtimeQuery.At("board").OrderByValue().WithLimitToLast(2);

    /// <summary>Claimed: a limited watch delivers its window. Not claimed: watching a query is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Queries_WatchWorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Queries))
        {
            var store = await BoardAsync();
            await AssertInitialEventsAsync(store, TopTwo, ["b", "d"]);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Queries, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.WatchAsync(TopTwo, cancellationToken: Ct);
            });
        }
    }

    /// <summary>A child entering a full window pushes the last one out: removed, added (with predecessor), one value.</summary>
    [Fact]
    public async Task Watch_LimitWindow_NewChildEntersAndEdgeChildLeaves()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await BoardAsync();
        var reader = await WatchPastInitialAsync(store, TopTwo);
        await store.SetAsync("board/e", 7, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after e entered");
        Assert.Equal(["ChildRemoved b", "ChildAdded e after -", "Value"], Describe(events));
        Assert.Equal(["e", "d"], events[^1].Snapshot.Children.Select(static c => c.Key!));
        AssertNode("5", events[0].Snapshot.Node);
    }

    /// <summary>Removing a child inside the window lets the next one outside move in.</summary>
    [Fact]
    public async Task Watch_LimitWindow_RemovedChildIsReplacedFromOutside()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await BoardAsync();
        var reader = await WatchPastInitialAsync(store, TopTwo);
        await store.RemoveAsync("board/d", Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after d was removed");
        Assert.Equal(["ChildRemoved d", "ChildAdded c after -", "Value"], Describe(events));
        Assert.Equal(["c", "b"], events[^1].Snapshot.Children.Select(static c => c.Key!));
    }

    /// <summary>A child changing so that it falls out of the window is removed, and the next one comes in.</summary>
    [Fact]
    public async Task Watch_LimitWindow_ChildChangingOutOfWindow_IsReplaced()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await BoardAsync();
        var reader = await WatchPastInitialAsync(store, TopTwo);
        await store.SetAsync("board/d", 0, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after d dropped");
        Assert.Equal(["ChildRemoved d", "ChildAdded c after -", "Value"], Describe(events));
    }

    /// <summary>Writes that leave the window unchanged deliver nothing: the next events are those of a later write that does change it.</summary>
    [Fact]
    public async Task Watch_LimitWindow_ChangeOutsideWindow_DeliversNothing()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await BoardAsync();
        var reader = await WatchPastInitialAsync(store, TopTwo);
        await store.SetAsync("board/a", 2, Ct);
        await store.SetAsync("board/z", -5, Ct);
        await store.SetAsync("other/place", 1, Ct);
        await store.SetAsync("board/f", 100, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after f entered");
        Assert.Equal(["ChildRemoved b", "ChildAdded f after d", "Value"], Describe(events));
    }

    /// <summary>A child changing inside the window without moving is reported as changed, with its predecessor.</summary>
    [Fact]
    public async Task Watch_LimitWindow_ChangeInsideWindow_DeliversChanged()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await BoardAsync();
        var reader = await WatchPastInitialAsync(store, TopTwo);
        await store.SetAsync("board/d", 10, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after d changed");
        Assert.Equal(["ChildChanged d after b", "Value"], Describe(events));
        AssertNode("10", events[0].Snapshot.Node);
    }

    /// <summary>A change that moves a child delivers moved, then changed, each naming the new predecessor, then one value.</summary>
    [Fact]
    public async Task Watch_OrderedQuery_ChangeThatMoves_DeliversMovedThenChanged()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("v", DataNode.Parse("""{"a":1,"b":2,"c":3}"""), Ct);
        var reader = await WatchPastInitialAsync(store, RealtimeQuery.At("v").OrderByValue());
        await store.SetAsync("v/a", 5, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after a moved");
        Assert.Equal(["ChildMoved a after c", "ChildChanged a after c", "Value"], Describe(events));
        Assert.Equal(["b", "c", "a"], events[^1].Snapshot.Children.Select(static c => c.Key!));
        await store.SetAsync("v/c", 0, Ct);
        events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after c moved to the front");
        Assert.Equal(["ChildMoved c after -", "ChildChanged c after -", "Value"], Describe(events));
    }

    /// <summary>A change of a field that is not ordered on delivers changed only.</summary>
    [Fact]
    public async Task Watch_OrderedQuery_ChangeWithoutMove_DeliversChangedOnly()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""{"x":{"points":1,"name":"a"},"y":{"points":2,"name":"b"}}"""), Ct);
        var reader = await WatchPastInitialAsync(store, RealtimeQuery.At("p").OrderByChild("points"));
        await store.SetAsync("p/y/name", "z", Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after y changed");
        Assert.Equal(["ChildChanged y after x", "Value"], Describe(events));
    }

    /// <summary>A range watch adds a child whose value moves into the range and removes it when it moves out.</summary>
    [Fact]
    public async Task Watch_RangeQuery_ChildMovingInAndOutOfRange()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("r", DataNode.Parse("""{"a":5,"b":15}"""), Ct);
        var query = RealtimeQuery.At("r").OrderByValue().WithStartAt(10);
        await AssertInitialEventsAsync(store, query, ["b"]);
        var reader = await WatchPastInitialAsync(store, query);
        await store.SetAsync("r/a", 12, Ct);
        Assert.Equal(["ChildAdded a after -", "Value"], Describe(await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "a entering")));
        await store.SetAsync("r/a", 3, Ct);
        Assert.Equal(["ChildRemoved a", "Value"], Describe(await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "a leaving")));
    }

    /// <summary>A startAfter window with a limit: the bound value itself never enters, and a child leaving the window is replaced.</summary>
    [Fact]
    public async Task Watch_StartAfterWithLimit_BoundStaysOutAndWindowRefills()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("r", DataNode.Parse("""{"a":5,"b":10,"c":15,"d":20}"""), Ct);
        var query = RealtimeQuery.At("r").OrderByValue().WithStartAfter(10).WithLimitToFirst(2);
        await AssertInitialEventsAsync(store, query, ["c", "d"]);
        var reader = await WatchPastInitialAsync(store, query);
        await store.SetAsync("r/e", 10, Ct);
        await store.SetAsync("r/f", 12, Ct);
        Assert.Equal(["ChildRemoved d", "ChildAdded f after -", "Value"], Describe(await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value && e.Snapshot.HasChild("f"), "f entering")));
        await store.SetAsync("r/f", 10, Ct);
        // With latency compensation f leaves at once and d comes back with the server's answer (a Value between them).
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value && !e.Snapshot.HasChild("f") && e.Snapshot.HasChild("d"), "f leaving, d back");
        Assert.Equal(["ChildRemoved f", "ChildAdded d after c"], Describe(events).Where(static d => d != "Value"));
        Assert.Equal(["c", "d"], events[^1].Snapshot.Children.Select(static c => c.Key!));
    }

    /// <summary>An equalTo watch follows children as the compared child changes.</summary>
    [Fact]
    public async Task Watch_EqualToQuery_FollowsMatchingChildren()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("players", DataNode.Parse("""{"p1":{"team":"red"},"p2":{"team":"blue"}}"""), Ct);
        var reader = await WatchAsync(store, RealtimeQuery.At("players").OrderByChild("team").WithEqualTo("red"));
        Assert.Equal(["ChildAdded p1 after -", "Value"], Describe(await reader.NextAsync(2, "the initial events")));
        await store.SetAsync("players/p3", DataNode.Parse("""{"team":"red"}"""), Ct);
        Assert.Equal(["ChildAdded p3 after p1", "Value"], Describe(await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "p3 joining")));
        await store.SetAsync("players/p1/team", "blue", Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "p1 leaving");
        Assert.Equal(["ChildRemoved p1", "Value"], Describe(events));
        Assert.Equal(["p3"], events[^1].Snapshot.Children.Select(static c => c.Key!));
    }

    /// <summary>A limitToFirst window takes in a child that sorts before its members.</summary>
    [Fact]
    public async Task Watch_LimitToFirst_LowerChildEnters()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("m", DataNode.Parse("""{"m1":{"t":1},"m2":{"t":2},"m3":{"t":3}}"""), Ct);
        var query = RealtimeQuery.At("m").OrderByChild("t").WithLimitToFirst(2);
        var reader = await WatchAsync(store, query);
        Assert.Equal(["ChildAdded m1 after -", "ChildAdded m2 after m1", "Value"], Describe(await reader.NextAsync(3, "the initial events")));
        await store.SetAsync("m/m0", DataNode.Parse("""{"t":0}"""), Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "m0 entering");
        Assert.Equal(["ChildRemoved m2", "ChildAdded m0 after -", "Value"], Describe(events));
        Assert.Equal(["m0", "m1"], events[^1].Snapshot.Children.Select(static c => c.Key!));
    }

    /// <summary>A limited watch of a location that is emptied removes its children and reports a value that does not exist.</summary>
    [Fact]
    public async Task Watch_LimitWindow_LocationDeleted_RemovesAll()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await BoardAsync();
        var reader = await WatchPastInitialAsync(store, TopTwo);
        await store.RemoveAsync("board", Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after the board was deleted");
        Assert.Equal(3, events.Count);
        Assert.Equal(["ChildRemoved b", "ChildRemoved d"], Describe(events.Take(2)).Order(StringComparer.Ordinal));
        Assert.False(events[^1].Snapshot.Exists);
    }

    private async Task<IRealtimeStore> BoardAsync()
    {
        var store = await NewStoreAsync();
        await store.SetAsync("board", DataNode.Parse("""{"a":1,"b":5,"c":3,"d":9}"""), Ct);
        return store;
    }
}
