using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Queries: ordering by key, value, child and priority with startAt, endAt and equalTo (with key tie-breaks) and limits;
/// the result's children come in query order.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Queries)]
public abstract class StoreQueryConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    private const string Scores = """
        {"alice":{"points":10,"team":"red"},"bob":{"points":7,"team":"blue"},"carol":{"points":10,"team":"blue"},
         "dave":{"points":3,"team":"red"},"erin":{"points":15,"team":"red"},"frank":{"team":"none"}}
        """;

    private static RealtimeQuery ByPoints => RealtimeQuery.At("scores").OrderByChild("points");

    /// <summary>Claimed: the metadata says so and a limited query works. Not claimed: an ordered query is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Queries_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Queries))
        {
            var store = await NewStoreAsync();
            Assert.True(store.Metadata.Supports(RealtimeCapabilities.Queries));
            await store.SetAsync("scores", DataNode.Parse(Scores), Ct);
            Assert.Equal(["alice"], await KeysAsync(store, RealtimeQuery.At("scores").OrderByKey().WithLimitToFirst(1)));
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Queries, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.GetAsync(RealtimeQuery.At("scores").OrderByKey().WithLimitToFirst(1), Ct);
            });
        }
    }

    /// <summary>startAt keeps children at or after the bound value, in query order.</summary>
    [Fact]
    public async Task OrderByChild_StartAt_KeepsBoundAndAfter()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["alice", "carol", "erin"], await KeysAsync(store, ByPoints.WithStartAt(10)));
    }

    /// <summary>endAt keeps children at or before the bound value; children without the child sort first.</summary>
    [Fact]
    public async Task OrderByChild_EndAt_KeepsBoundAndBefore()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["frank", "dave", "bob"], await KeysAsync(store, ByPoints.WithEndAt(7)));
    }

    /// <summary>startAt and endAt together keep the children in between.</summary>
    [Fact]
    public async Task OrderByChild_StartAtAndEndAt_KeepsRange()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["alice", "carol"], await KeysAsync(store, ByPoints.WithStartAt(8).WithEndAt(12)));
        Assert.Equal(["dave", "bob", "alice", "carol", "erin"], await KeysAsync(store, ByPoints.WithStartAt(0)));
    }

    /// <summary>equalTo keeps every child with that value, in key order.</summary>
    [Fact]
    public async Task OrderByChild_EqualTo_KeepsEqualValues()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["alice", "carol"], await KeysAsync(store, ByPoints.WithEqualTo(10)));
        Assert.Empty(await KeysAsync(store, ByPoints.WithEqualTo(11)));
    }

    /// <summary>A key on startAt skips the children with the bound value whose keys sort before it.</summary>
    [Fact]
    public async Task OrderByChild_StartAtWithKey_SkipsEarlierKeysOfBoundValue()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["carol", "erin"], await KeysAsync(store, ByPoints.WithStartAt(10, "b")));
        Assert.Equal(["carol", "erin"], await KeysAsync(store, ByPoints.WithStartAt(10, "carol")));
        Assert.Equal(["alice", "carol", "erin"], await KeysAsync(store, ByPoints.WithStartAt(10, "alice")));
    }

    /// <summary>A key on endAt drops the children with the bound value whose keys sort after it.</summary>
    [Fact]
    public async Task OrderByChild_EndAtWithKey_DropsLaterKeysOfBoundValue()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["frank", "dave", "bob", "alice"], await KeysAsync(store, ByPoints.WithEndAt(10, "alice")));
        Assert.Equal(["frank", "dave", "bob", "alice"], await KeysAsync(store, ByPoints.WithEndAt(10, "b")));
    }

    /// <summary>startAfter without a key leaves out every child with the bound value; with a key, only those up to it.</summary>
    [Fact]
    public async Task OrderByChild_StartAfter_ExcludesTheBound()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["alice", "carol", "erin"], await KeysAsync(store, ByPoints.WithStartAfter(7)));
        Assert.Equal(["erin"], await KeysAsync(store, ByPoints.WithStartAfter(10)));
        Assert.Equal(["carol", "erin"], await KeysAsync(store, ByPoints.WithStartAfter(10, "alice")));
        Assert.Equal(["dave", "bob", "alice", "carol", "erin"], await KeysAsync(store, ByPoints.WithStartAfter(DataNode.Null)));
    }

    /// <summary>endBefore without a key leaves out every child with the bound value; with a key, only those from it.</summary>
    [Fact]
    public async Task OrderByChild_EndBefore_ExcludesTheBound()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["frank", "dave", "bob"], await KeysAsync(store, ByPoints.WithEndBefore(10)));
        Assert.Equal(["frank", "dave", "bob", "alice"], await KeysAsync(store, ByPoints.WithEndBefore(10, "carol")));
        Assert.Equal(["alice", "carol"], await KeysAsync(store, ByPoints.WithStartAfter(7).WithEndBefore(15)));
    }

    /// <summary>Paging: startAfter the last child seen with limitToFirst gives the next page; endBefore the first with limitToLast, the previous one.</summary>
    [Fact]
    public async Task ExclusiveBoundsWithLimits_PageThroughTheChildren()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["carol", "erin"], await KeysAsync(store, ByPoints.WithStartAfter(10, "alice").WithLimitToFirst(2)));
        Assert.Equal(["dave", "bob"], await KeysAsync(store, ByPoints.WithEndBefore(10, "alice").WithLimitToLast(2)));
        Assert.Equal(["carol", "dave"], await KeysAsync(store, RealtimeQuery.At("scores").OrderByKey().WithStartAfter("bob").WithLimitToFirst(2)));
        Assert.Equal(["alice", "bob"], await KeysAsync(store, RealtimeQuery.At("scores").OrderByKey().WithEndBefore("carol")));
        Assert.Equal(["erin"], await KeysAsync(store, RealtimeQuery.At("scores").OrderByKey().WithStartAfter("dave").WithEndBefore("frank")));
    }

    /// <summary>A key on equalTo narrows the match to that child.</summary>
    [Fact]
    public async Task OrderByChild_EqualToWithKey_KeepsOneChild()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["carol"], await KeysAsync(store, ByPoints.WithEqualTo(10, "carol")));
        Assert.Empty(await KeysAsync(store, ByPoints.WithEqualTo(10, "bob")));
    }

    /// <summary>A null bound matches the children without the ordered child.</summary>
    [Fact]
    public async Task OrderByChild_NullBound_MatchesMissingChild()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["frank"], await KeysAsync(store, ByPoints.WithEqualTo(DataNode.Null)));
        Assert.Equal(["frank", "dave", "bob", "alice", "carol", "erin"], await KeysAsync(store, ByPoints.WithStartAt(DataNode.Null)));
    }

    /// <summary>limitToFirst and limitToLast keep the first or last children in query order.</summary>
    [Fact]
    public async Task OrderByChild_Limits_KeepFirstOrLast()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["frank", "dave"], await KeysAsync(store, ByPoints.WithLimitToFirst(2)));
        Assert.Equal(["carol", "erin"], await KeysAsync(store, ByPoints.WithLimitToLast(2)));
    }

    /// <summary>A limit applies after the range.</summary>
    [Fact]
    public async Task OrderByChild_RangeAndLimit_LimitAppliesWithinRange()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(["bob", "alice"], await KeysAsync(store, ByPoints.WithStartAt(5).WithLimitToFirst(2)));
        Assert.Equal(["alice", "carol"], await KeysAsync(store, ByPoints.WithEndAt(10).WithLimitToLast(2)));
        Assert.Equal(["carol"], await KeysAsync(store, ByPoints.WithEqualTo(10).WithLimitToLast(1)));
    }

    /// <summary>A limit larger than the number of children keeps them all.</summary>
    [Fact]
    public async Task Limit_LargerThanChildren_KeepsAll()
    {
        var store = await ScoresStoreAsync();
        Assert.Equal(6, (await store.GetAsync(ByPoints.WithLimitToFirst(100), Ct)).ChildrenCount);
    }

    /// <summary>Ordering by a string child with equalTo keeps every child with that string.</summary>
    [Fact]
    public async Task OrderByChild_StringEqualTo_KeepsMatches()
    {
        var store = await ScoresStoreAsync();
        var byTeam = RealtimeQuery.At("scores").OrderByChild("team");
        Assert.Equal(["alice", "dave", "erin"], await KeysAsync(store, byTeam.WithEqualTo("red")));
        Assert.Equal(["bob", "carol", "frank"], await KeysAsync(store, byTeam.WithEndAt("none")));
    }

    /// <summary>Key ranges and equalTo by key.</summary>
    [Fact]
    public async Task OrderByKey_RangesAndEqualTo()
    {
        var store = await ScoresStoreAsync();
        var byKey = RealtimeQuery.At("scores").OrderByKey();
        Assert.Equal(["bob", "carol", "dave"], await KeysAsync(store, byKey.WithStartAt("bob").WithEndAt("dave")));
        Assert.Equal(["carol", "dave", "erin", "frank"], await KeysAsync(store, byKey.WithStartAt("c")));
        Assert.Equal(["alice", "bob"], await KeysAsync(store, byKey.WithEndAt("c")));
        Assert.Equal(["carol"], await KeysAsync(store, byKey.WithEqualTo("carol")));
        Assert.Equal(["erin", "frank"], await KeysAsync(store, byKey.WithLimitToLast(2)));
    }

    /// <summary>Value ranges compare across types: booleans before numbers before strings.</summary>
    [Fact]
    public async Task OrderByValue_RangesAcrossTypes()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("v", DataNode.Parse("""{"a":5,"b":1,"c":"x","d":true,"e":3,"f":false,"g":{"o":1}}"""), Ct);
        var byValue = RealtimeQuery.At("v").OrderByValue();
        Assert.Equal(["e", "a"], await KeysAsync(store, byValue.WithStartAt(2).WithEndAt(5)));
        Assert.Equal(["c", "g"], await KeysAsync(store, byValue.WithStartAt("a")));
        Assert.Equal(["f", "d"], await KeysAsync(store, byValue.WithEndAt(true)));
        Assert.Equal(["f"], await KeysAsync(store, byValue.WithEqualTo(false)));
        Assert.Equal(["d", "b"], await KeysAsync(store, byValue.WithStartAt(true).WithEndAt(1)));
    }

    /// <summary>Priority ranges: numbers, strings, and null for "no priority".</summary>
    [Fact]
    public async Task OrderByPriority_Ranges()
    {
        RequireStore(RealtimeCapabilities.Queries | RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""
            {"a":{"v":1},"b":{"v":1,".priority":2},"c":{"v":1,".priority":"x"},"d":{"v":1,".priority":1},
             "e":{".value":"leaf",".priority":"a"},"f":{"v":1},"g":{".value":true,".priority":1}}
            """), Ct);
        var byPriority = RealtimeQuery.At("p").OrderByPriority();
        Assert.Equal(["d", "g", "b"], await KeysAsync(store, byPriority.WithStartAt(1).WithEndAt(2)));
        Assert.Equal(["e", "c"], await KeysAsync(store, byPriority.WithStartAt("a")));
        Assert.Equal(["a", "f"], await KeysAsync(store, byPriority.WithEqualTo(DataNode.Null)));
        Assert.Equal(["d", "g"], await KeysAsync(store, byPriority.WithEqualTo(1)));
        Assert.Equal(["g", "b"], await KeysAsync(store, byPriority.WithStartAt(1, "e").WithEndAt(2)));
    }

    /// <summary>An ordered query without a range or limit returns every child; the snapshot carries the query's order.</summary>
    [Fact]
    public async Task Query_OrderWithoutFilter_ReturnsAllInQueryOrder()
    {
        var store = await ScoresStoreAsync();
        var snapshot = await store.GetAsync(ByPoints, Ct);
        AssertNode(Scores, snapshot.Node);
        Assert.Equal(QueryOrderBy.Child, snapshot.Order.OrderBy);
        Assert.Equal(RealtimePath.Parse("points"), snapshot.Order.ChildPath);
        Assert.Equal(["frank", "dave", "bob", "alice", "carol", "erin"], snapshot.Children.Select(static c => c.Key!));
    }

    /// <summary>A filtered result holds exactly the selected children, at the query's location.</summary>
    [Fact]
    public async Task Query_FilteredResult_HoldsOnlySelectedChildren()
    {
        var store = await ScoresStoreAsync();
        var snapshot = await store.GetAsync(ByPoints.WithLimitToLast(2), Ct);
        Assert.Equal(RealtimePath.Parse("scores"), snapshot.Path);
        Assert.Equal(2, snapshot.ChildrenCount);
        Assert.True(snapshot.HasChild("erin"));
        Assert.False(snapshot.HasChild("dave"));
        AssertNode("""{"points":15,"team":"red"}""", snapshot.Child("erin").Node);
    }

    /// <summary>A query of a missing location, or one that selects nothing, gives a snapshot that does not exist.</summary>
    [Fact]
    public async Task Query_NothingSelected_DoesNotExist()
    {
        var store = await ScoresStoreAsync();
        Assert.False((await store.GetAsync(RealtimeQuery.At("missing").OrderByKey().WithLimitToFirst(3), Ct)).Exists);
        Assert.False((await store.GetAsync(ByPoints.WithStartAt(1000), Ct)).Exists);
    }

    /// <summary>Queries below the root work on nested locations.</summary>
    [Fact]
    public async Task Query_NestedLocation_Works()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("rooms/r1/messages", DataNode.Parse("""{"m1":{"t":3},"m2":{"t":1},"m3":{"t":2}}"""), Ct);
        Assert.Equal(["m3", "m1"], await KeysAsync(store, RealtimeQuery.At("rooms/r1/messages").OrderByChild("t").WithLimitToLast(2)));
    }

    private async Task<IRealtimeStore> ScoresStoreAsync()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("scores", DataNode.Parse(Scores), Ct);
        return store;
    }

    private static async Task<string[]> KeysAsync(IRealtimeStore store, RealtimeQuery query) =>
        [.. (await store.GetAsync(query, Ct)).Children.Select(static c => c.Key!)];
}
