using BenchmarkDotNet.Attributes;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Benchmarks.Store;

/// <summary>
/// A watched <c>orderByChild("score").limitToLast(10)</c> query over N children; each operation changes one child's
/// score. <see cref="ChangeOutsideWindow"/> moves a child among the children below the window (the index is updated,
/// no event is due); <see cref="MoveIntoWindow"/> gives a child the highest score, so it enters the window and pushes
/// the lowest member out (removed, added, value events). Both should grow as O(log n).
/// <see cref="ChangeUnwatched"/> is the same write as <see cref="ChangeOutsideWindow"/> without the watch: the cost of the
/// tree alone, for comparison.
/// </summary>
[ShortInProcessConfig(warmupCount: 3, iterationCount: 5)]
public class StoreLiveWindowBenchmarks
{
    private InMemoryDatabase _database = null!;
    private RealtimeSubscription<StoreEvent>? _subscription;
    private RealtimePath[] _scorePaths = [];
    private Random _random = null!;
    private double _top;

    [Params(1_000, 10_000, 100_000)]
    public int Children { get; set; }

    [GlobalSetup(Targets = [nameof(ChangeOutsideWindow), nameof(MoveIntoWindow)])]
    public void SetupWatched()
    {
        SetupUnwatched();
        var query = RealtimeQuery.At("items").OrderByChild("score").WithLimitToLast(10);

        // Nobody reads during the benchmark: a small drop-oldest buffer keeps the subscription alive at a constant cost.
        _subscription = _database.Watch(query, new WatchOptions
        {
            Buffer = new SubscriptionBufferOptions { Capacity = 1024, OverflowPolicy = BufferOverflowPolicy.DropOldest },
        });
    }

    [GlobalSetup(Target = nameof(ChangeUnwatched))]
    public void SetupUnwatched()
    {
        _database = new InMemoryDatabase();
        var children = new Dictionary<string, DataNode>(Children);
        _scorePaths = new RealtimePath[Children];
        for (var i = 0; i < Children; i++)
        {
            children["c" + i] = DataNode.FromChildren([new("score", i), new("name", "child " + i)]);
            _scorePaths[i] = RealtimePath.Parse($"items/c{i}/score");
        }

        _database.Set("items", DataNode.FromChildren(children));
        _random = new Random(42);
        _top = Children;
    }

    [GlobalCleanup]
    public void Cleanup() => _subscription?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public void ChangeOutsideWindow() => ChangeLowerHalf();

    [Benchmark]
    public void ChangeUnwatched() => ChangeLowerHalf();

    [Benchmark]
    public void MoveIntoWindow() => _database.Set(_scorePaths[_random.Next(Children)], ++_top);

    private void ChangeLowerHalf()
    {
        // Children and scores in the lower half stay far below the window of the 10 highest.
        var half = Children / 2;
        _database.Set(_scorePaths[_random.Next(half)], _random.Next(half));
    }
}
