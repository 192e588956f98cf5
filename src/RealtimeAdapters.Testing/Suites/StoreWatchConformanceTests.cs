using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Listeners: the initial child-added and value events, then added, changed, removed and moved children with their
/// predecessors, exactly one value event per write (including multi-path updates), event filters, and several clients.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Store)]
public abstract class StoreWatchConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: a watch delivers its initial value. Not claimed: watching is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Store_WatchWorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
        {
            var store = await NewStoreAsync();
            var reader = await WatchAsync(store, "w");
            Assert.Equal(StoreEventKind.Value, (await reader.NextAsync("the initial value")).Kind);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Store, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.WatchAsync("w", cancellationToken: Ct);
            });
        }
    }

    /// <summary>A watch of a location with children first adds each child in order, then delivers the whole value.</summary>
    [Fact]
    public async Task WatchAsync_ExistingChildren_AddsEachThenValue()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""{"c":3,"a":1,"b":{"x":2}}"""), Ct);
        var reader = await WatchAsync(store, "list");
        var events = await reader.NextAsync(4, "the initial events");
        Assert.Equal(["ChildAdded a after -", "ChildAdded b after a", "ChildAdded c after b", "Value"], Describe(events));
        Assert.Equal(RealtimePath.Parse("list/b"), events[1].Snapshot.Path);
        AssertNode("""{"x":2}""", events[1].Snapshot.Node);
        Assert.Equal(RealtimePath.Parse("list"), events[3].Snapshot.Path);
        AssertNode("""{"a":1,"b":{"x":2},"c":3}""", events[3].Snapshot.Node);
    }

    /// <summary>A watch of a missing location delivers one value that does not exist, then reports the first write.</summary>
    [Fact]
    public async Task WatchAsync_MissingLocation_DeliversNonExistentValueThenWrites()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var reader = await WatchAsync(store, "empty");
        var first = await reader.NextAsync("the initial value");
        Assert.Equal(StoreEventKind.Value, first.Kind);
        Assert.False(first.Snapshot.Exists);
        Assert.Equal(RealtimePath.Parse("empty"), first.Snapshot.Path);
        await store.SetAsync("empty/k", "v", Ct);
        Assert.Equal(["ChildAdded k after -", "Value"], Describe(await reader.NextAsync(2, "the events of the first write")));
    }

    /// <summary>A watch of a leaf delivers only value events.</summary>
    [Fact]
    public async Task WatchAsync_Leaf_DeliversValuesOnly()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("leaf", 1, Ct);
        var reader = await WatchAsync(store, "leaf");
        var initial = await reader.NextAsync("the initial value");
        Assert.Equal(StoreEventKind.Value, initial.Kind);
        AssertNode("1", initial.Snapshot.Node);
        await store.SetAsync("leaf", 2, Ct);
        var next = await reader.NextAsync("the value after the write");
        Assert.Equal(StoreEventKind.Value, next.Kind);
        AssertNode("2", next.Snapshot.Node);
    }

    /// <summary>A new child is added with its predecessor's key, then one value event holds the whole location.</summary>
    [Fact]
    public async Task WatchAsync_ChildAdded_NamesPredecessor()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""{"a":1,"c":3}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "list");
        await store.SetAsync("list/b", 2, Ct);
        var events = await reader.NextAsync(2, "the events of the add");
        Assert.Equal(["ChildAdded b after a", "Value"], Describe(events));
        AssertNode("2", events[0].Snapshot.Node);
        AssertNode("""{"a":1,"b":2,"c":3}""", events[1].Snapshot.Node);
    }

    /// <summary>A change deep inside a child is reported as a change of that direct child, with its new value.</summary>
    [Fact]
    public async Task WatchAsync_DeepChange_ReportsDirectChildChanged()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""{"a":{"x":{"y":1}},"b":2}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "list");
        await store.SetAsync("list/a/x/y", 5, Ct);
        var events = await reader.NextAsync(2, "the events of the change");
        Assert.Equal(["ChildChanged a after -", "Value"], Describe(events));
        Assert.Equal(RealtimePath.Parse("list/a"), events[0].Snapshot.Path);
        AssertNode("""{"x":{"y":5}}""", events[0].Snapshot.Node);
    }

    /// <summary>A removed child is reported with its last value.</summary>
    [Fact]
    public async Task WatchAsync_ChildRemoved_CarriesLastValue()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""{"a":1,"b":{"keep":"me"}}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "list");
        await store.RemoveAsync("list/b", Ct);
        var events = await reader.NextAsync(2, "the events of the removal");
        Assert.Equal(["ChildRemoved b", "Value"], Describe(events));
        Assert.Equal(RealtimePath.Parse("list/b"), events[0].Snapshot.Path);
        AssertNode("""{"keep":"me"}""", events[0].Snapshot.Node);
        AssertNode("""{"a":1}""", events[1].Snapshot.Node);
    }

    /// <summary>
    /// A multi-path update delivers its child events in the order removals, additions, changes, then exactly one value
    /// event; the next events belong to the next write.
    /// </summary>
    [Fact]
    public async Task WatchAsync_MultiPathUpdate_DeliversOneValueAfterChildEvents()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""{"a":1,"b":2,"c":3}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "list");
        await store.UpdateAsync("list", new Dictionary<string, DataNode>
        {
            ["a"] = 10,
            ["c"] = DataNode.Null,
            ["d"] = 4,
            ["b/deep"] = "x",
        }, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event of the update");
        Assert.Equal(["ChildRemoved c", "ChildAdded d after b", "ChildChanged a after -", "ChildChanged b after a", "Value"], Describe(events));
        AssertNode("""{"a":10,"b":{"deep":"x"},"d":4}""", events[^1].Snapshot.Node);
        await store.SetAsync("list/e", 5, Ct);
        Assert.Equal(["ChildAdded e after d", "Value"], Describe(await reader.NextAsync(2, "the events of the next write")));
    }

    /// <summary>An update at an ancestor that touches several children of the watched location delivers one value event.</summary>
    [Fact]
    public async Task WatchAsync_UpdateAtAncestor_DeliversOneValue()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("root/list", DataNode.Parse("""{"a":1}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "root/list");
        await store.UpdateAsync(RealtimePath.Root, new Dictionary<string, DataNode> { ["root/list/a"] = 2, ["root/list/b"] = 3, ["elsewhere"] = true }, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event of the update");
        Assert.Equal(["ChildAdded b after a", "ChildChanged a after -", "Value"], Describe(events));
        await store.SetAsync("root/list/c", 4, Ct);
        Assert.Equal(["ChildAdded c after b", "Value"], Describe(await reader.NextAsync(2, "the events of the next write")));
    }

    /// <summary>Writes outside the watched location deliver nothing: the next events are those of a later write inside it.</summary>
    [Fact]
    public async Task WatchAsync_WriteOutsideLocation_DeliversNothing()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("watched/a", 1, Ct);
        var reader = await WatchPastInitialAsync(store, "watched");
        await store.SetAsync("other", 1, Ct);
        await store.SetAsync("watchedSibling/x", 1, Ct);
        await store.SetAsync("watched/b", 2, Ct);
        Assert.Equal(["ChildAdded b after a", "Value"], Describe(await reader.NextAsync(2, "the events of the write inside")));
    }

    /// <summary>Writing the value that is already there changes nothing and delivers nothing.</summary>
    [Fact]
    public async Task WatchAsync_SameValueWrittenAgain_DeliversNothing()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("same", DataNode.Parse("""{"a":1,"b":{"c":2}}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "same");
        await store.SetAsync("same", DataNode.Parse("""{"a":1,"b":{"c":2}}"""), Ct);
        await store.SetAsync("same/a", 1, Ct);
        await store.RemoveAsync("same/missing", Ct);
        await store.SetAsync("same/d", 3, Ct);
        Assert.Equal(["ChildAdded d after b", "Value"], Describe(await reader.NextAsync(2, "the events of the real change")));
    }

    /// <summary>Replacing an ancestor of the watched location reports the differences below the location.</summary>
    [Fact]
    public async Task WatchAsync_AncestorReplaced_ReportsDifferences()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("app/list", DataNode.Parse("""{"a":1,"b":2}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "app/list");
        await store.SetAsync("app", DataNode.Parse("""{"list":{"b":2,"c":3},"other":1}"""), Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after the ancestor write");
        Assert.Equal(["ChildRemoved a", "ChildAdded c after b", "Value"], Describe(events));
    }

    /// <summary>Deleting the watched location removes each child, then delivers a value that does not exist.</summary>
    [Fact]
    public async Task WatchAsync_LocationDeleted_RemovesChildrenThenEmptyValue()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("gone", DataNode.Parse("""{"a":1,"b":2}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "gone");
        await store.RemoveAsync("gone", Ct);
        var events = await reader.NextAsync(3, "the events of the deletion");
        Assert.Equal(["ChildRemoved a", "ChildRemoved b", "Value"], Describe(events));
        Assert.False(events[2].Snapshot.Exists);
    }

    /// <summary>A leaf that becomes an object reports its new children.</summary>
    [Fact]
    public async Task WatchAsync_LeafBecomesObject_AddsChildren()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("x", 1, Ct);
        var reader = await WatchPastInitialAsync(store, "x");
        await store.SetAsync("x/a", 2, Ct);
        var events = await reader.NextAsync(2, "the events of the change");
        Assert.Equal(["ChildAdded a after -", "Value"], Describe(events));
        AssertNode("""{"a":2}""", events[1].Snapshot.Node);
    }

    /// <summary>A watch asking for child-added events only gets nothing else, not even the initial value.</summary>
    [Fact]
    public async Task WatchAsync_ChildAddedFilter_DeliversOnlyAdds()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("f", DataNode.Parse("""{"a":1}"""), Ct);
        var reader = await WatchAsync(store, "f", StoreEventKind.ChildAdded);
        Assert.Equal("ChildAdded a after -", Describe(await reader.NextAsync("the initial add")));
        await store.SetAsync("f/a", 2, Ct);
        await store.RemoveAsync("f/a", Ct);
        await store.SetAsync("f/b", 3, Ct);
        Assert.Equal("ChildAdded b after -", Describe(await reader.NextAsync("the add of b")));
    }

    /// <summary>A watch asking for value events only gets one value per change and no child events.</summary>
    [Fact]
    public async Task WatchAsync_ValueFilter_DeliversOnlyValues()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("f", DataNode.Parse("""{"a":1,"b":2}"""), Ct);
        var reader = await WatchAsync(store, "f", StoreEventKind.Value);
        AssertNode("""{"a":1,"b":2}""", (await reader.NextAsync("the initial value")).Snapshot.Node);
        await store.UpdateAsync("f", new Dictionary<string, DataNode> { ["a"] = DataNode.Null, ["c"] = 3 }, Ct);
        var next = await reader.NextAsync("the value after the update");
        Assert.Equal(StoreEventKind.Value, next.Kind);
        AssertNode("""{"b":2,"c":3}""", next.Snapshot.Node);
        await store.SetAsync("f/d", 4, Ct);
        AssertNode("""{"b":2,"c":3,"d":4}""", (await reader.NextAsync("the value after the set")).Snapshot.Node);
    }

    /// <summary>A watch asking for removed and changed events gets exactly those.</summary>
    [Fact]
    public async Task WatchAsync_RemovedAndChangedFilter_DeliversOnlyThose()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("f", DataNode.Parse("""{"a":1,"b":2}"""), Ct);
        var reader = await WatchAsync(store, "f", StoreEventKind.ChildRemoved | StoreEventKind.ChildChanged);
        await store.SetAsync("f/c", 3, Ct);
        await store.SetAsync("f/a", 10, Ct);
        await store.RemoveAsync("f/b", Ct);
        Assert.Equal(["ChildChanged a after -", "ChildRemoved b"], Describe(await reader.NextAsync(2, "the change and the removal")));
    }

    /// <summary>A watch on one store sees writes made through another store on the same backend.</summary>
    [Fact]
    public async Task WatchAsync_WriteFromOtherStore_IsDelivered()
    {
        RequireStore(RealtimeCapabilities.Store);
        var backend = await NewBackendAsync();
        var watcher = await backend.CreateStoreAsync(Ct);
        var writer = await backend.CreateStoreAsync(Ct);
        var reader = await WatchPastInitialAsync(watcher, "shared");
        await writer.SetAsync("shared/k", "v", Ct);
        var events = await reader.NextAsync(2, "the events of the other store's write");
        Assert.Equal(["ChildAdded k after -", "Value"], Describe(events));
        AssertNode("\"v\"", events[0].Snapshot.Node);
    }

    /// <summary>Two watches of the same location each get every event.</summary>
    [Fact]
    public async Task WatchAsync_TwoWatches_BothReceiveEveryEvent()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var first = await WatchPastInitialAsync(store, "both");
        var second = await WatchPastInitialAsync(store, "both");
        await store.SetAsync("both/a", 1, Ct);
        await store.SetAsync("both/a", 2, Ct);
        foreach (var reader in new[] { first, second })
        {
            Assert.Equal(["ChildAdded a after -", "Value", "ChildChanged a after -", "Value"], Describe(await reader.NextAsync(4, "both writes")));
        }
    }

    /// <summary>Watches of a parent and a child location each see a write below both.</summary>
    [Fact]
    public async Task WatchAsync_NestedWatches_EachSeeTheWrite()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var parent = await WatchPastInitialAsync(store, "n");
        var child = await WatchPastInitialAsync(store, "n/c");
        await store.SetAsync("n/c/leaf", 1, Ct);
        Assert.Equal(["ChildAdded c after -", "Value"], Describe(await parent.NextAsync(2, "the parent's events")));
        Assert.Equal(["ChildAdded leaf after -", "Value"], Describe(await child.NextAsync(2, "the child's events")));
    }

    /// <summary>Disposing a watch ends its stream.</summary>
    [Fact]
    public async Task WatchAsync_Disposed_EndsStream()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var subscription = await store.WatchAsync("d", cancellationToken: Ct);
        var reader = Read(subscription);
        await reader.NextAsync("the initial value");
        await subscription.DisposeAsync();
        await subscription.Completion.WaitAsync(Fixture.EventTimeout, Ct);
        await store.SetAsync("d", 1, Ct);
        Assert.Null(await reader.AssertEndsAsync());
    }

    /// <summary>A watch set up with a cancelled token throws <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task WatchAsync_CancelledToken_Throws()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WatchAsync("c", cancellationToken: cts.Token).AsTask());
    }

    /// <summary>Every write is delivered, in write order, to a watch that reads slowly.</summary>
    [Fact]
    public async Task WatchAsync_ManyWrites_DeliveredInOrder()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var reader = await WatchPastInitialAsync(store, "counter");
        const int Writes = 50;
        for (var i = 1; i <= Writes; i++)
        {
            await store.SetAsync("counter", i, Ct);
        }

        for (var i = 1; i <= Writes; i++)
        {
            var e = await reader.NextAsync($"the value {i}");
            Assert.Equal(StoreEventKind.Value, e.Kind);
            AssertNode(DataNode.FromNumber(i), e.Snapshot.Node);
        }
    }

    /// <summary>The value event's snapshot equals what a read of the location returns.</summary>
    [Fact]
    public async Task WatchAsync_ValueSnapshot_MatchesRead()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var reader = await WatchPastInitialAsync(store, "m");
        await store.SetAsync("m", DataNode.Parse("""{"x":{"y":[1,2,3]},"z":"w"}"""), Ct);
        var value = (await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event"))[^1];
        AssertNode((await store.GetAsync("m", Ct)).Node, value.Snapshot.Node);
    }
}
