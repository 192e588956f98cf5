using System.Globalization;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// The Firebase provider against the in-process emulator over loopback, with one watch over a list of
/// <see cref="Children"/> children. <see cref="StreamEvents"/>: 1,000 writes, each changing one child, made directly on
/// the emulator's database and timed until the watch has seen all 1,000 events (emulator SSE encoding, SSE parse, local
/// tree update, engine events, delivery); per-operation time is per event, so events/s = 1 s / mean. The cost per event
/// must not grow with the list. <see cref="SetRoundTrip"/>: one <see cref="FirebaseRealtimeStore.SetAsync"/> of a small
/// value, awaited (over REST an HTTP PUT and its answer; over the realtime socket a put and its answer).
/// <see cref="PipelinedWrites"/>: 1,000 <see cref="FirebaseRealtimeStore.SetAsync"/> calls issued without waiting, then
/// awaited together (over the socket they are pipelined in order; over REST they are concurrent requests). Each runs
/// over both transports.
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class FirebaseProviderBenchmarks
{
    private const int EventsPerInvoke = 1000;

    private static readonly RealtimePath StreamPath = RealtimePath.Parse("bench/stream");
    private static readonly RealtimePath WritePath = RealtimePath.Parse("bench/write");

    private RealtimeEmulator _emulator = null!;
    private InMemoryDatabase _database = null!;
    private FirebaseRealtimeStore _store = null!;
    private IRealtimeSubscription<StoreEvent> _watch = null!;
    private IAsyncEnumerator<StoreEvent> _events = null!;
    private RealtimePath[] _childPaths = [];
    private long _counter;

    /// <summary>The size of the watched list. Writes cycle over its children, so it keeps its size.</summary>
    [Params(100, 10_000, 100_000)]
    public int Children { get; set; }

    /// <summary>The store's transport.</summary>
    [Params(FirebaseTransport.Realtime, FirebaseTransport.RestStreaming)]
    public FirebaseTransport Transport { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _emulator = RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }).GetAwaiter().GetResult();
        _database = _emulator.GetFirebaseDatabase();
        _childPaths = [.. Enumerable.Range(0, Children).Select(i => StreamPath.Child("c" + i.ToString("D6", CultureInfo.InvariantCulture)))];
        _database.Set(StreamPath, DataNode.FromChildren(_childPaths.Select(p => new KeyValuePair<string, DataNode>(p.Key!, DataNode.FromNumber(0L)))));

        _store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = Transport, DatabaseUrl = _emulator.FirebaseUrl, UseEmulatorAdmin = true });
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
        // Spread over the list (a prime stride), so that no part of it stays warm in the caches.
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            _database.Set(_childPaths[(int)(++_counter * 7919 % Children)], DataNode.FromNumber(_counter));
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

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public async Task PipelinedWrites()
    {
        var writes = new Task[EventsPerInvoke];
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            writes[i] = _store.SetAsync(WritePath, DataNode.FromNumber(++_counter)).AsTask();
        }

        await Task.WhenAll(writes).ConfigureAwait(false);
    }
}
