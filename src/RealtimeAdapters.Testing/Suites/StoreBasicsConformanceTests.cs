using System.Text;
using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>Store operations: get, set, update, push, remove, typed reads and writes, and the Firebase array rule.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Store)]
public abstract class StoreBasicsConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a write reads back. Not claimed: store operations throw <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Store_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
        {
            var store = await NewStoreAsync();
            Assert.True(store.Metadata.Supports(RealtimeCapabilities.Store));
            await store.SetAsync("capability", "ok", Ct);
            AssertNode("\"ok\"", (await store.GetAsync("capability", Ct)).Node);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Store, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.SetAsync("capability", "refused", Ct);
            });
            await AssertNotSupportedAsync(RealtimeCapabilities.Store, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.GetAsync("capability", Ct);
            });
        }
    }

    /// <summary>Reading a missing location gives a snapshot that does not exist, at that location.</summary>
    [Fact]
    public async Task GetAsync_MissingPath_ReturnsSnapshotThatDoesNotExist()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var snapshot = await store.GetAsync("nothing/here", Ct);
        Assert.False(snapshot.Exists);
        Assert.True(snapshot.Node.IsNull);
        Assert.Equal(RealtimePath.Parse("nothing/here"), snapshot.Path);
        Assert.Equal("here", snapshot.Key);
    }

    /// <summary>Leaves of every kind read back as written.</summary>
    /// <param name="json">The leaf as JSON.</param>
    [Theory]
    [InlineData("\"text\"")]
    [InlineData("\"\"")]
    [InlineData("\"tab\\tnewline\\nquote\\\"emoji\\ud83d\\ude00\"")]
    [InlineData("42")]
    [InlineData("0")]
    [InlineData("-1.5")]
    [InlineData("3.141592653589793")]
    [InlineData("1e-7")]
    [InlineData("12345678901")]
    [InlineData("true")]
    [InlineData("false")]
    public async Task SetAsync_Leaf_ReadsBack(string json)
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("leaf", DataNode.Parse(json), Ct);
        AssertNode(json, (await store.GetAsync("leaf", Ct)).Node);
    }

    /// <summary>An object reads back whole, and each descendant reads back at its own path.</summary>
    [Fact]
    public async Task SetAsync_Object_ReadsBackWholeAndByDescendant()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        const string alice = """{"name":"Alice","age":30,"tags":{"admin":true,"beta":false},"nested":{"deep":{"deeper":"x"}}}""";
        await store.SetAsync("users/alice", DataNode.Parse(alice), Ct);
        AssertNode(alice, (await store.GetAsync("users/alice", Ct)).Node);
        AssertNode("\"Alice\"", (await store.GetAsync("users/alice/name", Ct)).Node);
        AssertNode("true", (await store.GetAsync("users/alice/tags/admin", Ct)).Node);
        AssertNode("\"x\"", (await store.GetAsync("users/alice/nested/deep/deeper", Ct)).Node);
        AssertNode("{\"alice\":" + alice + "}", (await store.GetAsync("users", Ct)).Node);
        AssertNode("{\"users\":{\"alice\":" + alice + "}}", await ReadRootAsync(store));
    }

    /// <summary>Unicode keys and values round-trip.</summary>
    [Fact]
    public async Task SetAsync_UnicodeKeysAndValues_RoundTrip()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var value = DataNode.FromChildren([new("日本語", "値"), new("emoji😀", "😀"), new("Ünïcödé key", "ß")]);
        await store.SetAsync("unicode", value, Ct);
        AssertNode(value, (await store.GetAsync("unicode", Ct)).Node);
        AssertNode("\"😀\"", (await store.GetAsync("unicode/emoji😀", Ct)).Node);
    }

    /// <summary>Writing below missing parents creates them.</summary>
    [Fact]
    public async Task SetAsync_BelowMissingParents_CreatesAncestors()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("a/b/c", 1, Ct);
        AssertNode("""{"b":{"c":1}}""", (await store.GetAsync("a", Ct)).Node);
    }

    /// <summary>A set replaces the whole subtree: children not in the new value are gone.</summary>
    [Fact]
    public async Task SetAsync_ExistingObject_ReplacesWholeSubtree()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("a", DataNode.Parse("""{"x":1,"y":{"z":2}}"""), Ct);
        await store.SetAsync("a", DataNode.Parse("""{"w":3}"""), Ct);
        AssertNode("""{"w":3}""", (await store.GetAsync("a", Ct)).Node);
    }

    /// <summary>Writing a child under a leaf turns the leaf into an object holding that child.</summary>
    [Fact]
    public async Task SetAsync_ChildOfLeaf_ReplacesLeafWithObject()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("a", 1, Ct);
        await store.SetAsync("a/b", 2, Ct);
        AssertNode("""{"b":2}""", (await store.GetAsync("a", Ct)).Node);
    }

    /// <summary>A set at the root replaces the whole database.</summary>
    [Fact]
    public async Task SetAsync_Root_ReplacesEverything()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("a", 1, Ct);
        await store.SetAsync(RealtimePath.Root, DataNode.Parse("""{"b":{"c":2}}"""), Ct);
        AssertNode("""{"b":{"c":2}}""", await ReadRootAsync(store));
    }

    /// <summary>A snapshot already read is not changed by later writes.</summary>
    [Fact]
    public async Task GetAsync_Snapshot_IsNotChangedByLaterWrites()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("doc", DataNode.Parse("""{"v":1}"""), Ct);
        var before = await store.GetAsync("doc", Ct);
        await store.SetAsync("doc/v", 2, Ct);
        await store.SetAsync("doc/w", 3, Ct);
        AssertNode("""{"v":1}""", before.Node);
        AssertNode("""{"v":2,"w":3}""", (await store.GetAsync("doc", Ct)).Node);
    }

    /// <summary>An update applies every relative path (one or several segments) and leaves other children alone.</summary>
    [Fact]
    public async Task UpdateAsync_SeveralPaths_AppliesAllAndKeepsOtherChildren()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("u", DataNode.Parse("""{"a":1,"b":{"x":1,"y":2},"c":3}"""), Ct);
        await store.UpdateAsync("u", new Dictionary<string, DataNode>
        {
            ["a"] = 10,
            ["b/x"] = 5,
            ["d/e"] = "new",
        }, Ct);
        AssertNode("""{"a":10,"b":{"x":5,"y":2},"c":3,"d":{"e":"new"}}""", (await store.GetAsync("u", Ct)).Node);
    }

    /// <summary>A null value in an update deletes that path only.</summary>
    [Fact]
    public async Task UpdateAsync_NullValue_DeletesThatPathOnly()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("u", DataNode.Parse("""{"a":1,"b":{"x":1,"y":2},"c":3}"""), Ct);
        await store.UpdateAsync("u", new Dictionary<string, DataNode> { ["a"] = DataNode.Null, ["b/y"] = DataNode.Null, ["c"] = 4 }, Ct);
        AssertNode("""{"b":{"x":1},"c":4}""", (await store.GetAsync("u", Ct)).Node);
    }

    /// <summary>An update at the root works like anywhere else.</summary>
    [Fact]
    public async Task UpdateAsync_AtRoot_AppliesPaths()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("keep", true, Ct);
        await store.UpdateAsync(RealtimePath.Root, new Dictionary<string, DataNode> { ["p/q"] = 1, ["r"] = "s" }, Ct);
        AssertNode("""{"keep":true,"p":{"q":1},"r":"s"}""", await ReadRootAsync(store));
    }

    /// <summary>An update replaces the value at each path rather than merging into it.</summary>
    [Fact]
    public async Task UpdateAsync_ObjectValue_ReplacesThatChild()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("u", DataNode.Parse("""{"a":{"x":1,"y":2},"b":1}"""), Ct);
        await store.UpdateAsync("u", new Dictionary<string, DataNode> { ["a"] = DataNode.Parse("""{"z":3}""") }, Ct);
        AssertNode("""{"a":{"z":3},"b":1}""", (await store.GetAsync("u", Ct)).Node);
    }

    /// <summary>Push adds children with 20-character push ids that sort in push order, and stores each value.</summary>
    [Fact]
    public async Task PushAsync_SeveralValues_AddsChronologicalPushIds()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var paths = new List<RealtimePath>();
        for (var i = 0; i < 5; i++)
        {
            paths.Add(await store.PushAsync("messages", i, Ct));
        }

        foreach (var path in paths)
        {
            Assert.Equal(RealtimePath.Parse("messages"), path.Parent);
            Assert.Equal(20, path.Key!.Length);
            Assert.All(path.Key, c => Assert.Contains(c, PushIdGenerator.Alphabet));
        }

        Assert.Equal(paths.Count, paths.Distinct().Count());
        var keys = paths.Select(static p => p.Key!).ToList();
        Assert.Equal(keys, keys.Order(StringComparer.Ordinal));
        Assert.Equal(keys, keys.Order(KeyComparer.Instance));
        for (var i = 0; i < paths.Count; i++)
        {
            AssertNode(DataNode.FromNumber(i), (await store.GetAsync(paths[i], Ct)).Node);
        }

        Assert.Equal(5, (await store.GetAsync("messages", Ct)).ChildrenCount);
    }

    /// <summary>The typed push helper serializes the value.</summary>
    [Fact]
    public async Task PushAsyncTyped_Object_StoresSerializedValue()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var path = await store.PushAsync<ConformanceAddress>("addresses", new("Oslo", "0150"), cancellationToken: Ct);
        AssertNode("""{"city":"Oslo","zip":"0150"}""", (await store.GetAsync(path, Ct)).Node);
    }

    /// <summary>Remove deletes the value; removing a missing value does nothing.</summary>
    [Fact]
    public async Task RemoveAsync_DeletesValue_AndMissingValueIsNoOp()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("r", DataNode.Parse("""{"a":1,"b":2}"""), Ct);
        await store.RemoveAsync("r/a", Ct);
        AssertNode("""{"b":2}""", (await store.GetAsync("r", Ct)).Node);
        await store.RemoveAsync("r/missing/deeper", Ct);
        AssertNode("""{"b":2}""", (await store.GetAsync("r", Ct)).Node);
        await store.RemoveAsync("r", Ct);
        Assert.False((await store.GetAsync("r", Ct)).Exists);
    }

    /// <summary>A typed record with a list and a nested object round-trips through the typed helpers.</summary>
    [Fact]
    public async Task SetAsyncTyped_Record_RoundTrips()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var person = new ConformancePerson("Ann", 41, ["x", "y", "z"], new ConformanceAddress("Lyon", null));
        await store.SetAsync("people/ann", person, cancellationToken: Ct);
        AssertNode("""{"name":"Ann","age":41,"tags":["x","y","z"],"address":{"city":"Lyon"}}""", (await store.GetAsync("people/ann", Ct)).Node);
        var read = await store.GetValueAsync<ConformancePerson>("people/ann", cancellationToken: Ct);
        Assert.NotNull(read);
        Assert.Equal("Ann", read.Name);
        Assert.Equal(41, read.Age);
        Assert.Equal(["x", "y", "z"], read.Tags);
        Assert.Equal(new ConformanceAddress("Lyon", null), read.Address);
        Assert.Null(await store.GetValueAsync<ConformancePerson>("people/nobody", cancellationToken: Ct));
    }

    /// <summary>An array is stored as an integer-keyed object, renders as a JSON array and reads as a list, an array or a dictionary.</summary>
    [Fact]
    public async Task GetValueAsync_Array_ReadsInEveryShape()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""["a","b","c"]"""), Ct);
        var snapshot = await store.GetAsync("list", Ct);
        Assert.Equal(["0", "1", "2"], snapshot.Node.Children.Keys);
        Assert.Equal("""["a","b","c"]""", snapshot.ToJsonString());
        Assert.Equal(["a", "b", "c"], snapshot.GetValue<List<string>>());
        Assert.Equal(["a", "b", "c"], snapshot.GetValue<string[]>() ?? []);
        Assert.Equal(new Dictionary<string, string> { ["0"] = "a", ["1"] = "b", ["2"] = "c" }, snapshot.GetValue<Dictionary<string, string>>());
        AssertNode("\"b\"", (await store.GetAsync("list/1", Ct)).Node);
    }

    /// <summary>An array with holes renders missing indices as null when at least half the slots are filled.</summary>
    [Fact]
    public async Task GetValueAsync_SparseArray_RendersNullsForMissingIndices()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("sparse", DataNode.Parse("""{"0":"a","3":"b"}"""), Ct);
        var snapshot = await store.GetAsync("sparse", Ct);
        Assert.Equal("""["a",null,null,"b"]""", snapshot.ToJsonString());
        Assert.Equal(["a", null, null, "b"], snapshot.GetValue<string?[]>() ?? []);
    }

    /// <summary>An integer-keyed object too sparse to be an array renders as an object, yet still reads as a list (and a dictionary).</summary>
    [Fact]
    public async Task GetValueAsync_TooSparseForArray_RendersObjectAndReadsAsList()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("sparse", DataNode.Parse("""{"0":"a","4":"b"}"""), Ct);
        var snapshot = await store.GetAsync("sparse", Ct);
        Assert.Equal("""{"0":"a","4":"b"}""", snapshot.ToJsonString());
        Assert.Equal(["a", null, null, null, "b"], snapshot.GetValue<List<string?>>());
        Assert.Equal(new Dictionary<string, string> { ["0"] = "a", ["4"] = "b" }, snapshot.GetValue<Dictionary<string, string>>());
    }

    /// <summary>Keys such as "01" are not array indices: the object never renders as an array.</summary>
    [Fact]
    public async Task GetAsync_NonCanonicalIntegerKeys_RenderAsObject()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("keys", DataNode.Parse("""{"0":"a","01":"b"}"""), Ct);
        Assert.Equal("""{"0":"a","01":"b"}""", (await store.GetAsync("keys", Ct)).ToJsonString());
    }

    /// <summary>Typed reads accept both shapes inside classes: array-shaped data into a dictionary, object-shaped data into a list.</summary>
    [Fact]
    public async Task GetValueAsync_MixedShapesInsideClass_ReadIntoDeclaredTypes()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("holder", DataNode.Parse("""{"map":["x","y"],"items":{"0":"p","5":"q"}}"""), Ct);
        var holder = await store.GetValueAsync<ConformanceHolder>("holder", cancellationToken: Ct);
        Assert.NotNull(holder);
        Assert.Equal(new Dictionary<string, string> { ["0"] = "x", ["1"] = "y" }, holder.Map);
        Assert.Equal(["p", null, null, null, null, "q"], holder.Items);
    }

    /// <summary>Removing an array element leaves a hole that renders as null.</summary>
    [Fact]
    public async Task RemoveAsync_ArrayElement_LeavesHoleRenderedAsNull()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("list", DataNode.Parse("""["a","b","c"]"""), Ct);
        await store.RemoveAsync("list/1", Ct);
        var snapshot = await store.GetAsync("list", Ct);
        Assert.Equal(["0", "2"], snapshot.Node.Children.Keys);
        Assert.Equal("""["a",null,"c"]""", snapshot.ToJsonString());
    }

    /// <summary>A second store on the same backend sees the first store's writes.</summary>
    [Fact]
    public async Task SecondStore_SameBackend_SeesWrites()
    {
        RequireStore(RealtimeCapabilities.Store);
        var backend = await NewBackendAsync();
        var writer = await backend.CreateStoreAsync(Ct);
        var reader = await backend.CreateStoreAsync(Ct);
        await writer.SetAsync("shared", "hello", Ct);
        AssertNode("\"hello\"", (await reader.GetAsync("shared", Ct)).Node);
    }

    /// <summary>A write with a cancelled token throws <see cref="OperationCanceledException"/> and writes nothing.</summary>
    [Fact]
    public async Task SetAsync_CancelledToken_ThrowsAndWritesNothing()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SetAsync("c", 1, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.UpdateAsync("c", new Dictionary<string, DataNode> { ["x"] = 1 }, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PushAsync("c", 1, cts.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync("c", cts.Token).AsTask());
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>A large string value round-trips.</summary>
    [Fact]
    public async Task SetAsync_LargeString_RoundTrips()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var text = new StringBuilder().Insert(0, "0123456789abcdef", 16 * 1024).ToString();
        await store.SetAsync("big", text, Ct);
        Assert.Equal(text, (await store.GetAsync("big", Ct)).Node.GetString());
    }
}
