using BenchmarkDotNet.Attributes;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Benchmarks.Store;

/// <summary>
/// A leaf write at a fixed path, with no listeners and with 100,000 listeners on unrelated paths (value watches and
/// live-window queries). The listener trie should make the two cost the same: a write visits only listeners on its own
/// path and below it. The tree is the same in both cases (the listeners' locations hold data either way).
/// </summary>
[ShortInProcessConfig(warmupCount: 3, iterationCount: 5)]
public class StoreLeafWriteBenchmarks
{
    private readonly List<RealtimeSubscription<StoreEvent>> _subscriptions = [];
    private InMemoryDatabase _database = null!;
    private RealtimePath _path = null!;
    private double _value;

    [Params(0, 100_000)]
    public int Listeners { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _database = new InMemoryDatabase();
        var rooms = new Dictionary<string, DataNode>();
        for (var r = 0; r < 1000; r++)
        {
            var members = new Dictionary<string, DataNode>();
            for (var m = 0; m < 100; m++)
            {
                members["m" + m] = DataNode.FromChildren([new("score", m)]);
            }

            rooms["r" + r] = DataNode.FromChildren(members);
        }

        _database.Set("rooms", DataNode.FromChildren(rooms));
        var valueOnly = new WatchOptions { Events = StoreEventKind.Value };
        for (var i = 0; i < Listeners; i++)
        {
            var room = "rooms/r" + (i % 1000);
            RealtimeQuery query = (i % 10) switch
            {
                0 => RealtimeQuery.At(room).OrderByChild("score").WithLimitToLast(3),
                1 => RealtimeQuery.At(room),
                _ => RealtimeQuery.At($"{room}/m{i / 1000 % 100}/score"),
            };
            _subscriptions.Add(_database.Watch(query, i % 10 == 0 ? null : valueOnly));
        }

        _path = RealtimePath.Parse("bench/counters/leaf");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark]
    public void LeafWrite() => _database.Set(_path, _value++);
}
