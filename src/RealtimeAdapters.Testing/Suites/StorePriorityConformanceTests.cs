using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>Priorities: setting, clearing and reading them, priorities written inside data, and their effect on the default order.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Priorities)]
public abstract class StorePriorityConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a priority reads back. Not claimed: setting a priority is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Priorities_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Priorities))
        {
            var store = await NewStoreAsync();
            Assert.True(store.Metadata.Supports(RealtimeCapabilities.Priorities));
            await store.SetAsync("p", 1, Ct);
            await store.SetPriorityAsync("p", 7, Ct);
            AssertNode("7", (await store.GetAsync("p", Ct)).Priority);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Priorities, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.SetAsync("p", 1, Ct);
                await store.SetPriorityAsync("p", 7, Ct);
            });
        }
    }

    /// <summary>A number or string priority set on an existing value reads back, and the value is unchanged.</summary>
    /// <param name="priorityJson">The priority as JSON.</param>
    [Theory]
    [InlineData("3")]
    [InlineData("-1.5")]
    [InlineData("\"high\"")]
    public async Task SetPriorityAsync_ExistingValue_ReadsBack(string priorityJson)
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("obj", DataNode.Parse("""{"a":1}"""), Ct);
        await store.SetAsync("leaf", "text", Ct);
        await store.SetPriorityAsync("obj", DataNode.Parse(priorityJson), Ct);
        await store.SetPriorityAsync("leaf", DataNode.Parse(priorityJson), Ct);
        var obj = await store.GetAsync("obj", Ct);
        var leaf = await store.GetAsync("leaf", Ct);
        AssertNode(priorityJson, obj.Priority);
        AssertNode(priorityJson, leaf.Priority);
        AssertNode("""{"a":1}""", obj.Node.WithoutPriority());
        AssertNode("\"text\"", leaf.Node.WithoutPriority());
    }

    /// <summary>Setting a null priority clears it.</summary>
    [Fact]
    public async Task SetPriorityAsync_Null_ClearsPriority()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""{"a":1,".priority":5}"""), Ct);
        await store.SetPriorityAsync("p", DataNode.Null, Ct);
        Assert.True((await store.GetAsync("p", Ct)).Priority.IsNull);
        AssertNode("""{"a":1}""", (await store.GetAsync("p", Ct)).Node);
    }

    /// <summary>Setting a priority where there is no value does nothing.</summary>
    [Fact]
    public async Task SetPriorityAsync_MissingValue_DoesNothing()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetPriorityAsync("nothing/here", 3, Ct);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>Priorities written inside data (".priority" on objects, ".value"/".priority" on leaves) are stored.</summary>
    [Fact]
    public async Task SetAsync_PrioritiesInData_AreStored()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("d", DataNode.Parse("""{"o":{"x":1,".priority":2},"l":{".value":"v",".priority":"p"},".priority":1}"""), Ct);
        var d = await store.GetAsync("d", Ct);
        AssertNode("1", d.Priority);
        AssertNode("2", (await store.GetAsync("d/o", Ct)).Priority);
        var l = await store.GetAsync("d/l", Ct);
        AssertNode("\"p\"", l.Priority);
        Assert.Equal("v", l.Node.GetString());
        Assert.Equal("""{"l":{".value":"v",".priority":"p"},"o":{"x":1,".priority":2},".priority":1}""", d.Node.ToJsonString(export: true));
    }

    /// <summary>A set without a priority replaces the node's priority along with its value.</summary>
    [Fact]
    public async Task SetAsync_NewValueWithoutPriority_RemovesPriority()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""{"a":1,".priority":5}"""), Ct);
        await store.SetAsync("p", DataNode.Parse("""{"b":2}"""), Ct);
        Assert.True((await store.GetAsync("p", Ct)).Priority.IsNull);
    }

    /// <summary>Writing below a node keeps the node's priority.</summary>
    [Fact]
    public async Task SetAsync_ChildWrite_KeepsParentPriority()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""{"a":1,".priority":5}"""), Ct);
        await store.SetAsync("p/b", 2, Ct);
        await store.UpdateAsync("p", new Dictionary<string, DataNode> { ["c"] = 3 }, Ct);
        var p = await store.GetAsync("p", Ct);
        AssertNode("5", p.Priority);
        AssertNode("""{"a":1,"b":2,"c":3}""", p.Node.WithoutPriority());
    }

    /// <summary>A boolean or object priority is refused with <see cref="RealtimeValidationException"/> and changes nothing.</summary>
    [Fact]
    public async Task SetPriorityAsync_InvalidPriority_IsRefused()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""{"a":1,".priority":5}"""), Ct);
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => store.SetPriorityAsync("p", DataNode.True, Ct).AsTask());
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => store.SetPriorityAsync("p", DataNode.Parse("""{"x":1}"""), Ct).AsTask());
        AssertNode("5", (await store.GetAsync("p", Ct)).Priority);
    }

    /// <summary>Changing a child's priority moves it in the default order: moved and changed events name its new predecessor.</summary>
    [Fact]
    public async Task SetPriorityAsync_WatchedChild_IsMovedAndChanged()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""{"a":{"v":1},"b":{"v":2},"c":{"v":3}}"""), Ct);
        var reader = await WatchPastInitialAsync(store, "list");
        await store.SetPriorityAsync("list/a", 1, Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event after the priority change");
        Assert.Equal(["ChildMoved a after c", "ChildChanged a after c", "Value"], Describe(events));
        AssertNode("1", events[1].Snapshot.Priority);
        Assert.Equal(["b", "c", "a"], events[^1].Snapshot.Children.Select(static c => c.Key!));
    }

    /// <summary>A priority change is visible to a watch of the node itself.</summary>
    [Fact]
    public async Task SetPriorityAsync_WatchedNode_DeliversValueWithPriority()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("n", "v", Ct);
        var reader = await WatchPastInitialAsync(store, "n");
        await store.SetPriorityAsync("n", "top", Ct);
        var e = await reader.NextAsync("the value with the new priority");
        Assert.Equal(StoreEventKind.Value, e.Kind);
        AssertNode("\"top\"", e.Snapshot.Priority);
    }
}
