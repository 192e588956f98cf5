using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// The Firebase orderings: key order (integer keys first, numerically), value order across types with key tie-breaks,
/// priority order, and the default order of children; checked where the client sorts and where the backend selects.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Store)]
public abstract class StoreOrderingConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    private static readonly string[] SpecKeyOrder = ["-1", "1", "01", "2", "10", "2147483648", "a", "b"];

    /// <summary>Claimed: a watch lists children in key order. Not claimed: watching is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_Store_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
        {
            var store = await NewStoreAsync();
            await store.SetAsync("o", DataNode.Parse("""{"b":1,"a":2}"""), Ct);
            await AssertInitialEventsAsync(store, "o", ["a", "b"]);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Store, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.WatchAsync("o", cancellationToken: Ct);
            });
        }
    }

    /// <summary>Without priorities, a watch adds children in key order: the specification's example.</summary>
    [Fact]
    public async Task Watch_DefaultOrder_FollowsKeyOrder()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("keys", SpecData(), Ct);
        await AssertInitialEventsAsync(store, "keys", SpecKeyOrder);
    }

    /// <summary>Key order: the specification's example, sorted by the client and selected by the backend.</summary>
    [Fact]
    public async Task Query_OrderByKey_FollowsKeyOrder()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("keys", SpecData(), Ct);
        await AssertQueryOrderAsync(store, RealtimeQuery.At("keys").OrderByKey(), SpecKeyOrder);
    }

    /// <summary>Key ranges compare integer keys numerically, "1" before "01", and an int32 overflow key as a string.</summary>
    [Fact]
    public async Task Query_OrderByKeyRange_UsesKeyOrder()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("keys", SpecData(), Ct);
        var byKey = RealtimeQuery.At("keys").OrderByKey();
        Assert.Equal(["1", "01", "2"], await KeysAsync(store, byKey.WithStartAt("1").WithEndAt("2")));
        Assert.Equal(["01", "2", "10"], await KeysAsync(store, byKey.WithStartAt("01").WithEndAt("10")));
        Assert.Equal(["10", "2147483648", "a"], await KeysAsync(store, byKey.WithStartAt("10").WithEndAt("a")));
        Assert.Equal(["-1", "1", "01", "2", "10"], await KeysAsync(store, byKey.WithEndAt("99")));
        Assert.Equal(["2147483648", "a", "b"], await KeysAsync(store, byKey.WithStartAt("2147483648")));
    }

    /// <summary>Value order: false, true, numbers, strings, objects; equal values (and all objects) by key order.</summary>
    [Fact]
    public async Task Query_OrderByValue_AcrossTypesWithKeyTieBreak()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("v", DataNode.Parse("""
            {"s2":"b","10":5,"bt":true,"bf":false,"s1":"a","o1":{"x":1},"n2":-2,"9":5,"o0":{"y":1},"s0":"B","f":2.5}
            """), Ct);
        string[] expected = ["bf", "bt", "n2", "f", "9", "10", "s0", "s1", "s2", "o0", "o1"];
        await AssertQueryOrderAsync(store, RealtimeQuery.At("v").OrderByValue(), expected);
    }

    /// <summary>Numbers compare numerically, not as text.</summary>
    [Fact]
    public async Task Query_OrderByValue_NumbersCompareNumerically()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("n", DataNode.Parse("""{"a":10,"b":9,"c":-1,"d":2.5,"e":1000,"f":-0.5}"""), Ct);
        await AssertQueryOrderAsync(store, RealtimeQuery.At("n").OrderByValue(), ["c", "f", "d", "b", "a", "e"]);
    }

    /// <summary>Strings compare by UTF-16 code unit (ordinal), as JavaScript does.</summary>
    [Fact]
    public async Task Query_OrderByValue_StringsCompareByUtf16CodeUnits()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        var data = DataNode.FromChildren([new("k1", "a"), new("k2", "B"), new("k3", "ä"), new("k4", "\uFF5E"), new("k5", "😀"), new("k6", "ab")]);
        await store.SetAsync("s", data, Ct);
        await AssertQueryOrderAsync(store, RealtimeQuery.At("s").OrderByValue(), ["k2", "k1", "k6", "k3", "k5", "k4"]);
    }

    /// <summary>Ordering by a child: children without it come first, then booleans, numbers, strings and objects, ties by key.</summary>
    [Fact]
    public async Task Query_OrderByChild_MissingFirstObjectsLast()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("c", DataNode.Parse("""
            {"a":{"score":3},"b":{"other":1},"c":{"score":"x"},"d":{"score":1},"e":{"score":{"deep":1}},
             "f":{"score":true},"g":{"score":3},"h":"leaf","i":{"score":false}}
            """), Ct);
        await AssertQueryOrderAsync(store, RealtimeQuery.At("c").OrderByChild("score"), ["b", "h", "i", "f", "d", "a", "g", "c", "e"]);
    }

    /// <summary>Ordering by a nested child path reads the value at that path inside each child.</summary>
    [Fact]
    public async Task Query_OrderByNestedChild_UsesValueAtPath()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("p", DataNode.Parse("""
            {"x":{"stats":{"points":7}},"y":{"stats":{"points":2}},"z":{"stats":{"other":1}},"w":{"stats":{"points":9}}}
            """), Ct);
        await AssertQueryOrderAsync(store, RealtimeQuery.At("p").OrderByChild("stats/points"), ["z", "y", "x", "w"]);
    }

    /// <summary>A watch of an ordered query adds children in query order, each naming its predecessor.</summary>
    [Fact]
    public async Task Watch_OrderByValue_AddsChildrenInValueOrder()
    {
        RequireStore(RealtimeCapabilities.Queries);
        var store = await NewStoreAsync();
        await store.SetAsync("v", DataNode.Parse("""{"a":3,"b":1,"c":"z","d":2,"e":false}"""), Ct);
        await AssertInitialEventsAsync(store, RealtimeQuery.At("v").OrderByValue(), ["e", "b", "d", "a", "c"]);
    }

    /// <summary>Priority order: no priority, then numbers, then strings; ties by key.</summary>
    [Fact]
    public async Task Query_OrderByPriority_NoneThenNumbersThenStrings()
    {
        RequireStore(RealtimeCapabilities.Queries | RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", PriorityData(), Ct);
        await AssertQueryOrderAsync(store, RealtimeQuery.At("p").OrderByPriority(), PriorityOrder);
    }

    /// <summary>Without a query, children come in priority order, then key order.</summary>
    [Fact]
    public async Task Watch_DefaultOrderWithPriorities_FollowsPriorityOrder()
    {
        RequireStore(RealtimeCapabilities.Priorities);
        var store = await NewStoreAsync();
        await store.SetAsync("p", PriorityData(), Ct);
        await AssertInitialEventsAsync(store, "p", PriorityOrder);
        var snapshot = await store.GetAsync("p", Ct);
        Assert.Equal(PriorityOrder, snapshot.Children.Select(static c => c.Key!));
    }

    private static readonly string[] PriorityOrder = ["a", "f", "d", "g", "b", "e", "c"];

    private static DataNode PriorityData() => DataNode.Parse("""
        {"a":{"v":1},"b":{"v":1,".priority":2},"c":{"v":1,".priority":"x"},"d":{"v":1,".priority":1},
         "e":{".value":"leaf",".priority":"a"},"f":{"v":1},"g":{".value":true,".priority":1}}
        """);

    private static DataNode SpecData() =>
        DataNode.FromChildren(SpecKeysShuffled.Select(static k => new KeyValuePair<string, DataNode>(k, "value " + k)));

    private static readonly string[] SpecKeysShuffled = ["b", "10", "a", "01", "-1", "2", "1", "2147483648"];

    private static async Task<string[]> KeysAsync(IRealtimeStore store, RealtimeQuery query) =>
        [.. (await store.GetAsync(query, Ct)).Children.Select(static c => c.Key!)];
}
