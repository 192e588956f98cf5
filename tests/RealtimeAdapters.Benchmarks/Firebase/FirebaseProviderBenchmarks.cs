using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// The Firebase provider against the in-process emulator over loopback. <see cref="StreamEvents"/>: N writes made
/// directly on the emulator's database, timed until one <see cref="FirebaseRealtimeStore"/> watch has seen all N (SSE
/// parse, cache update, diff, delivery); per-operation time is per event, so events/s = 1 s / mean.
/// <see cref="SetRoundTrip"/>: one <see cref="FirebaseRealtimeStore.SetAsync"/> of a small value, awaited (HTTP PUT
/// and its answer).
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class FirebaseProviderBenchmarks
{
    private const int EventsPerInvoke = 1000;

    // Writes cycle over a fixed set of children so the watched value stays the same size from one iteration to the next.
    private const int Children = 100;

    private static readonly RealtimePath StreamPath = RealtimePath.Parse("bench/stream");
    private static readonly RealtimePath[] ChildPaths = [.. Enumerable.Range(0, Children).Select(i => StreamPath.Child("c" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)))];
    private static readonly RealtimePath WritePath = RealtimePath.Parse("bench/write");

    private RealtimeEmulator _emulator = null!;
    private InMemoryDatabase _database = null!;
    private FirebaseRealtimeStore _store = null!;
    private IRealtimeSubscription<StoreEvent> _watch = null!;
    private IAsyncEnumerator<StoreEvent> _events = null!;
    private long _counter;

    [GlobalSetup]
    public void Setup()
    {
        _emulator = RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }).GetAwaiter().GetResult();
        _database = _emulator.GetFirebaseDatabase();
        foreach (var path in ChildPaths)
        {
            _database.Set(path, DataNode.FromNumber(0L));
        }

        _store = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = _emulator.FirebaseUrl, UseEmulatorAdmin = true });
        _watch = _store.WatchAsync(RealtimeQuery.At(StreamPath), new WatchOptions { Events = StoreEventKind.ChildChanged })
            .AsTask().GetAwaiter().GetResult();
        _events = _watch.GetAsyncEnumerator();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _events.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _watch.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public async Task StreamEvents()
    {
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            _database.Set(ChildPaths[i % Children], DataNode.FromNumber(++_counter));
        }

        for (var seen = 0; seen < EventsPerInvoke; seen++)
        {
            if (!await _events.MoveNextAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The watch ended.");
            }
        }
    }

    [Benchmark]
    public async Task SetRoundTrip() => await _store.SetAsync(WritePath, DataNode.FromNumber(++_counter)).ConfigureAwait(false);
}
