using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Bad input: invalid keys and paths (naming the offending segment), overlapping update paths, depth and length limits,
/// non-finite numbers, invalid queries and null arguments are refused with typed errors, and a refused write changes
/// nothing and notifies no one.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Store)]
public abstract class StoreValidationConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: a valid write is accepted. Not claimed: writes are refused with <see cref="RealtimeNotSupportedException"/>, whatever their input.</summary>
    [Fact]
    public async Task Capability_Store_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
        {
            var store = await NewStoreAsync();
            await store.UpdateAsync("v", new Dictionary<string, DataNode> { ["ok/path"] = 1 }, Ct);
            AssertNode("""{"ok":{"path":1}}""", (await store.GetAsync("v", Ct)).Node);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Store, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.UpdateAsync("v", new Dictionary<string, DataNode> { ["ok/path"] = 1 }, Ct);
            });
        }
    }

    /// <summary>An update key holding an invalid segment is refused with a message naming the segment; nothing is written.</summary>
    /// <param name="key">The update key.</param>
    /// <param name="offending">The part of it the message must name.</param>
    [Theory]
    [InlineData("a.b", "a.b")]
    [InlineData("good/y$z", "y$z")]
    [InlineData("[0]", "[0]")]
    [InlineData("hash#tag", "hash#tag")]
    [InlineData("bad\u0001key", "bad")]
    [InlineData("fine/ok/bracket]", "bracket]")]
    public async Task UpdateAsync_InvalidKey_IsRefusedNamingSegment(string key, string offending)
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("v", DataNode.Parse("""{"keep":1}"""), Ct);
        var before = await ReadRootAsync(store);
        var ex = await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.UpdateAsync("v", new Dictionary<string, DataNode> { ["valid"] = 2, [key] = 3 }, Ct).AsTask());
        Assert.Contains(offending, ex.Message, StringComparison.Ordinal);
        AssertNode(before, await ReadRootAsync(store));
    }

    /// <summary>Update paths that overlap (one at or below another) are refused; nothing is written.</summary>
    /// <param name="first">One key.</param>
    /// <param name="second">A key at or below it.</param>
    [Theory]
    [InlineData("a", "a/b")]
    [InlineData("a/b", "a/b/c/d")]
    [InlineData("x/y", "/x/y/")]
    public async Task UpdateAsync_OverlappingPaths_AreRefused(string first, string second)
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("v", DataNode.Parse("""{"keep":1}"""), Ct);
        var before = await ReadRootAsync(store);
        var ex = await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.UpdateAsync("v", new Dictionary<string, DataNode> { [first] = 1, ["other"] = 2, [second] = 3 }, Ct).AsTask());
        Assert.Contains(second.Trim('/'), ex.Message, StringComparison.Ordinal);
        AssertNode(before, await ReadRootAsync(store));
    }

    /// <summary>A set whose deepest value would lie 32 or more levels deep is refused; 31 levels are accepted.</summary>
    [Fact]
    public async Task SetAsync_TooDeep_IsRefusedAndLimitIsAccepted()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var path = DeepPath(25);
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => store.SetAsync(path, Nested(7), Ct).AsTask());
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
        await store.SetAsync(path, Nested(6), Ct);
        Assert.Equal(31, path.Depth + (await store.GetAsync(path, Ct)).Node.Depth);
    }

    /// <summary>An update whose paths reach 32 levels is refused.</summary>
    [Fact]
    public async Task UpdateAsync_TooDeep_IsRefused()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var path = DeepPath(30);
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.UpdateAsync(path, new Dictionary<string, DataNode> { ["ok"] = 1, ["a/b"] = 2 }, Ct).AsTask());
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.UpdateAsync(path, new Dictionary<string, DataNode> { ["a"] = Nested(1) }, Ct).AsTask());
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
        await store.UpdateAsync(path, new Dictionary<string, DataNode> { ["a"] = 1 }, Ct);
        AssertNode("1", (await store.GetAsync(path.Child("a"), Ct)).Node);
    }

    /// <summary>A push under a location 31 levels deep is refused (the new child would be 32 deep).</summary>
    [Fact]
    public async Task PushAsync_UnderMaximumDepth_IsRefused()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => store.PushAsync(DeepPath(31), 1, Ct).AsTask());
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
        var pushed = await store.PushAsync(DeepPath(30), 1, Ct);
        Assert.Equal(31, pushed.Depth);
    }

    /// <summary>A set whose keys would form a path over 768 bytes is refused; exactly 768 is accepted.</summary>
    [Fact]
    public async Task SetAsync_KeyPathTooLong_IsRefused()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var parent = RealtimePath.Root.Child(new string('p', 700));
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.SetAsync(parent, DataNode.FromChildren([new(new string('c', 68), 1)]), Ct).AsTask());
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
        await store.SetAsync(parent, DataNode.FromChildren([new(new string('c', 67), 1)]), Ct);
        Assert.True((await store.GetAsync(parent, Ct)).Exists);
    }

    /// <summary>Invalid paths and keys are refused before anything is sent, with a message naming the offending segment.</summary>
    [Fact]
    public void Paths_InvalidSegments_AreRefusedNamingThem()
    {
        RequireStore(RealtimeCapabilities.Store);
        var ex = Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse("users/b.c/name"));
        Assert.Contains("b.c", ex.Message, StringComparison.Ordinal);
        Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(string.Join('/', Enumerable.Repeat("d", 32))));
        Assert.Throws<RealtimeValidationException>(() => RealtimePath.Parse(new string('k', 769)));
        var data = Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("""{"ok":{"in$valid":1}}"""));
        Assert.Contains("in$valid", data.Message, StringComparison.Ordinal);
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("""{"unterminated":"""));
    }

    /// <summary>Non-finite numbers never reach the store: they are refused when the value is built.</summary>
    [Fact]
    public void NonFiniteNumbers_AreRefused()
    {
        RequireStore(RealtimeCapabilities.Store);
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromNumber(double.NaN));
        Assert.Throws<RealtimeValidationException>(() => DataNode.FromNumber(double.PositiveInfinity));
        Assert.Throws<RealtimeValidationException>(() => DataNode.Parse("""{"big":1e400}"""));
        Assert.Throws<RealtimeValidationException>(() => ServerValue.Increment(double.NegativeInfinity));
    }

    /// <summary>Invalid queries are refused with <see cref="RealtimeValidationException"/>: filters without an order, two orders, wrong bound types, bad limits.</summary>
    [Fact]
    public void Queries_Invalid_AreRefused()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var at = RealtimeQuery.At("q");
        Assert.Throws<RealtimeValidationException>(() => at.WithLimitToFirst(1));
        Assert.Throws<RealtimeValidationException>(() => at.WithStartAt(1));
        Assert.Throws<RealtimeValidationException>(() => at.WithEqualTo("x"));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByKey().OrderByValue());
        Assert.Throws<RealtimeValidationException>(() => at.OrderByKey().WithStartAt(1));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByKey().WithStartAt("a", "b"));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByKey().WithStartAt("in.valid"));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByPriority().WithStartAt(true));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByValue().WithLimitToFirst(0));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByValue().WithLimitToFirst(1).WithLimitToLast(1));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByValue().WithStartAt(1).WithEqualTo(2));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByValue().WithStartAt(DataNode.Parse("""{"o":1}""")));
        Assert.Throws<RealtimeValidationException>(() => at.OrderByChild(RealtimePath.Root));
    }

    /// <summary>Null arguments are refused with <see cref="ArgumentNullException"/>.</summary>
    [Fact]
    public async Task NullArguments_AreRefused()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await Assert.ThrowsAnyAsync<ArgumentNullException>(() => store.GetAsync(null!, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentNullException>(() => store.SetAsync(null!, DataNode.True, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentNullException>(() => store.SetAsync("x", null!, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentNullException>(() => store.UpdateAsync("x", null!, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentNullException>(() => store.PushAsync(null!, DataNode.True, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentNullException>(() => store.WatchAsync(null!, cancellationToken: Ct).AsTask());
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>A refused write notifies no watcher: the next events belong to the next valid write.</summary>
    [Fact]
    public async Task RefusedWrites_DeliverNoEvents()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("w/a", 1, Ct);
        var reader = await WatchPastInitialAsync(store, RealtimePath.Root);
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.UpdateAsync("w", new Dictionary<string, DataNode> { ["b"] = 2, ["c/d$"] = 3 }, Ct).AsTask());
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            store.UpdateAsync("w", new Dictionary<string, DataNode> { ["e"] = 2, ["e/f"] = 3 }, Ct).AsTask());
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => store.SetAsync(DeepPath(30), Nested(2), Ct).AsTask());
        await store.SetAsync("z", "sentinel", Ct);
        var events = await reader.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the value event of the valid write");
        Assert.Equal(["ChildAdded z after w", "Value"], Describe(events));
        AssertNode("""{"w":{"a":1},"z":"sentinel"}""", events[^1].Snapshot.Node);
    }

    private static RealtimePath DeepPath(int depth) => RealtimePath.Parse(string.Join('/', Enumerable.Range(0, depth).Select(static i => "l" + i)));

    private static DataNode Nested(int depth)
    {
        DataNode node = "leaf";
        for (var i = 0; i < depth; i++)
        {
            node = DataNode.FromChildren([new("k" + i, node)]);
        }

        return node;
    }
}
