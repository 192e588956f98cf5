using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// The provider's own cost per server event, without a network or an emulator: SSE <c>put</c> events, each
/// changing one child of a watched list of <see cref="Children"/> children, are handed to the watch's stream
/// (<see cref="FirebaseStream.Apply"/>: JSON encoding of the event, JSON parse, local tree update, engine events) and the resulting child-changed
/// events are read from the subscription. Per-operation time is per event.
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class FirebaseStreamApplyBenchmarks
{
    private const int EventsPerInvoke = 1000;

    private FirebaseRealtimeStore _store = null!;
    private FirebaseStream _stream = null!;
    private RealtimeSubscription<StoreEvent> _subscription = null!;
    private IAsyncEnumerator<StoreEvent> _events = null!;
    private long _next;

    /// <summary>The size of the watched list.</summary>
    [Params(100, 10_000, 100_000)]
    public int Children { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Nothing is sent: the stream is fed by hand and never started.
        _store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = new Uri("http://127.0.0.1:9/") });
        var query = RealtimeQuery.At("bench/list");
        _stream = new FirebaseStream(_store, query, query.ToString());
        _subscription = new RealtimeSubscription<StoreEvent>();
        _stream.TryAdd(_subscription, StoreEventKind.ChildChanged, out _);
        var initial = new StringBuilder("{\"path\":\"/\",\"data\":{");
        for (var i = 0; i < Children; i++)
        {
            initial.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}\"{Key(i)}\":{{\"title\":\"item {i}\",\"done\":false}}");
        }

        _stream.Apply(patch: false, Encoding.UTF8.GetBytes(initial.Append("}}").ToString()), firstOfConnection: true);

        _events = _subscription.GetAsyncEnumerator();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _events.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public async Task ApplyEvents()
    {
        for (var i = 0; i < EventsPerInvoke; i++)
        {
            // A new value each time (an event repeating what the child holds raises nothing), on a prime stride over the list.
            var n = ++_next;
            var put = Encoding.UTF8.GetBytes($"{{\"path\":\"/{Key((int)(n * 7919 % Children))}\",\"data\":{{\"title\":\"edit {n}\",\"done\":true}}}}");
            _stream.Apply(patch: false, put, firstOfConnection: false);
        }

        for (var seen = 0; seen < EventsPerInvoke; seen++)
        {
            if (!await _events.MoveNextAsync().ConfigureAwait(false))
            {
                throw new InvalidOperationException("The watch ended.");
            }
        }
    }

    private static string Key(int i) => "item" + i.ToString("D6", CultureInfo.InvariantCulture);
}
