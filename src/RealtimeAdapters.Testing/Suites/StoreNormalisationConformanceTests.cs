using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>Normalisation: null, empty objects and empty arrays delete; null children are dropped; emptied ancestors disappear.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Store)]
public abstract class StoreNormalisationConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Not claimed: writes are refused with <see cref="RealtimeNotSupportedException"/>. Claimed: a delete by null works.</summary>
    [Fact]
    public async Task Capability_Store_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
        {
            var store = await NewStoreAsync();
            await store.SetAsync("n", 1, Ct);
            await store.SetAsync("n", DataNode.Null, Ct);
            Assert.False((await store.GetAsync("n", Ct)).Exists);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Store, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.SetAsync("n", DataNode.Null, Ct);
            });
        }
    }

    /// <summary>Writing null, an empty object, an empty array, or a value made only of those deletes what was there.</summary>
    /// <param name="json">The written value.</param>
    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("""{"a":null}""")]
    [InlineData("""{"a":{}}""")]
    [InlineData("""{"a":{"b":[]}}""")]
    [InlineData("[null,null]")]
    [InlineData("""[{},[]]""")]
    public async Task SetAsync_EmptyValue_Deletes(string json)
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("parent/target", DataNode.Parse("""{"x":1}"""), Ct);
        await store.SetAsync("parent/target", DataNode.Parse(json), Ct);
        Assert.False((await store.GetAsync("parent/target", Ct)).Exists);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists, "The emptied parent must disappear too.");
    }

    /// <summary>Null and empty children of a written object are dropped; the rest is kept.</summary>
    [Fact]
    public async Task SetAsync_NullAndEmptyChildren_AreDropped()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("o", DataNode.Parse("""{"a":1,"b":null,"c":{},"d":[],"e":{"f":null,"g":2}}"""), Ct);
        var snapshot = await store.GetAsync("o", Ct);
        AssertNode("""{"a":1,"e":{"g":2}}""", snapshot.Node);
        Assert.False(snapshot.HasChild("b"));
        Assert.False((await store.GetAsync("o/c", Ct)).Exists);
    }

    /// <summary>Null elements of an array are not stored: the remaining elements keep their indices.</summary>
    [Fact]
    public async Task SetAsync_ArrayWithNulls_StoresOnlyPresentIndices()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("arr", DataNode.Parse("[1,null,3]"), Ct);
        var snapshot = await store.GetAsync("arr", Ct);
        Assert.Equal(["0", "2"], snapshot.Node.Children.Keys);
        Assert.Equal("[1,null,3]", snapshot.ToJsonString());
        Assert.False((await store.GetAsync("arr/1", Ct)).Exists);
    }

    /// <summary>Removing the last child removes the emptied ancestors up to the root.</summary>
    [Fact]
    public async Task RemoveAsync_LastChild_PrunesEmptyAncestors()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("p/q/r/s", 1, Ct);
        await store.RemoveAsync("p/q/r/s", Ct);
        Assert.False((await store.GetAsync("p/q/r", Ct)).Exists);
        Assert.False((await store.GetAsync("p", Ct)).Exists);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>Removing a child that has siblings keeps the parent and the siblings.</summary>
    [Fact]
    public async Task RemoveAsync_ChildWithSiblings_KeepsParent()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""{"q":{"r":1},"s":2}"""), Ct);
        await store.RemoveAsync("p/q/r", Ct);
        AssertNode("""{"s":2}""", (await store.GetAsync("p", Ct)).Node);
    }

    /// <summary>An update that deletes every child of a node removes the node, and its emptied ancestors.</summary>
    [Fact]
    public async Task UpdateAsync_DeletingEveryChild_PrunesParent()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("top/p", DataNode.Parse("""{"a":1,"b":{"c":2}}"""), Ct);
        await store.UpdateAsync("top/p", new Dictionary<string, DataNode> { ["a"] = DataNode.Null, ["b/c"] = DataNode.Null }, Ct);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>An empty object in an update deletes that path.</summary>
    [Fact]
    public async Task UpdateAsync_EmptyObjectValue_Deletes()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("u", DataNode.Parse("""{"a":{"x":1},"b":2}"""), Ct);
        await store.UpdateAsync("u", new Dictionary<string, DataNode> { ["a"] = DataNode.Parse("{}") }, Ct);
        AssertNode("""{"b":2}""", (await store.GetAsync("u", Ct)).Node);
    }

    /// <summary>A path below a leaf does not exist.</summary>
    [Fact]
    public async Task GetAsync_PathBelowLeaf_DoesNotExist()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("leaf", 5, Ct);
        Assert.False((await store.GetAsync("leaf/child", Ct)).Exists);
        AssertNode("5", (await store.GetAsync("leaf", Ct)).Node);
    }

    /// <summary>Replacing an object by a leaf drops its children.</summary>
    [Fact]
    public async Task SetAsync_LeafOverObject_DropsChildren()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("x", DataNode.Parse("""{"a":{"b":1}}"""), Ct);
        await store.SetAsync("x", "flat", Ct);
        Assert.False((await store.GetAsync("x/a", Ct)).Exists);
        AssertNode("\"flat\"", (await store.GetAsync("x", Ct)).Node);
    }

    /// <summary>Stored values read back normalised: no nulls, no empty containers anywhere in the tree.</summary>
    [Fact]
    public async Task GetAsync_AfterManyWrites_TreeHasNoEmptyNodes()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("t", DataNode.Parse("""{"a":{"b":{"c":1}},"d":{"e":2},"f":[1,2]}"""), Ct);
        await store.RemoveAsync("t/a/b/c", Ct);
        await store.UpdateAsync("t", new Dictionary<string, DataNode> { ["d/e"] = DataNode.Null, ["f/0"] = DataNode.Null, ["f/1"] = DataNode.Null, ["g"] = 1 }, Ct);
        var root = await ReadRootAsync(store);
        AssertNode("""{"t":{"g":1}}""", root);
        AssertNoEmptyNodes(root, RealtimePath.Root);
    }

    private static void AssertNoEmptyNodes(DataNode node, RealtimePath at)
    {
        foreach (var (key, child) in node.Children)
        {
            var path = at.Child(key);
            Assert.False(child.IsNull, $"{path} is stored as null.");
            Assert.False(child.Kind == DataNodeKind.Object && child.ChildCount == 0, $"{path} is an empty object.");
            AssertNoEmptyNodes(child, path);
        }
    }
}
