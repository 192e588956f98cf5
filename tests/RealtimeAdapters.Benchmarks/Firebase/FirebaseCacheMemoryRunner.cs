using System.Globalization;
using System.Text;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// Memory a Firebase watch keeps per cached child: the managed heap after a full compacting collection, before the
/// watch's stream receives the server's full value of N small children (<c>{"title":"item 42","done":false,"n":42}</c>)
/// and after its initial events were read, divided by N. The stream is fed by hand with the bytes of that SSE event
/// (allocated beforehand and kept alive across both readings), so no network buffer, connection or emulator is counted;
/// an identical stream fed first warms the buffer pools the parser rents from. What remains is the local tree, the
/// engine's index for child events, and the stream's own state.
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --firebase-cache-memory [--children 10000] [--rounds 3]</c>.
/// </summary>
internal static class FirebaseCacheMemoryRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        var children = RunnerOptions.Int(args, "--children", 10_000);
        var rounds = RunnerOptions.Int(args, "--rounds", 3);
        var json = new StringBuilder("{\"path\":\"/\",\"data\":{");
        for (var i = 0; i < children; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $$"""{{(i > 0 ? "," : "")}}"item{{i:D6}}":{"title":"item {{i}}","done":false,"n":{{i}}}""");
        }

        var fullValue = Encoding.UTF8.GetBytes(json.Append("}}").ToString());
        Console.WriteLine($"children: {children}");

        // For reference: the same data parsed into a plain tree (no watch), after a first parse that warms the pools.
        var data = fullValue.AsSpan(19, fullValue.Length - 20).ToArray();
        var warmTree = DataNode.Parse(data);
        var beforeTree = FirebaseBenchClient.Heap();
        var tree = DataNode.Parse(data);
        var treeBytes = FirebaseBenchClient.Heap() - beforeTree;
        GC.KeepAlive(tree);
        GC.KeepAlive(warmTree);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"plain tree: {treeBytes / (double)children:F0} bytes per child"));

        // Nothing is sent: the streams are fed by hand and never started.
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = new Uri("http://127.0.0.1:9/") });
        var open = new List<(FirebaseStream, RealtimeSubscription<StoreEvent>)> { await OpenAsync(store, "bench/warm", fullValue, children) };
        for (var round = 1; round <= rounds; round++)
        {
            var before = FirebaseBenchClient.Heap();
            open.Add(await OpenAsync(store, "bench/measured" + round, fullValue, children));
            var after = FirebaseBenchClient.Heap();
            var perChild = (after - before) / (double)children;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: {after - before:N0} bytes retained, {perChild:F0} bytes ({perChild / 1024:F2} KB) per child"));
        }

        // Every stream stays reachable until the end, so none is released during another's reading.
        GC.KeepAlive(open);
        return 0;
    }

    /// <summary>A stream with one listener of every event, fed the full value; its initial events are read.</summary>
    private static async Task<(FirebaseStream Stream, RealtimeSubscription<StoreEvent> Subscription)> OpenAsync(
        FirebaseRealtimeStore store, string path, byte[] fullValue, int children)
    {
        var query = RealtimeQuery.At(path);
        var stream = new FirebaseStream(store, query, query.ToString());
        var subscription = new RealtimeSubscription<StoreEvent>();
        stream.TryAdd(subscription, StoreEventKind.All, out _);
        stream.Apply(patch: false, fullValue, firstOfConnection: true);
        var events = subscription.GetAsyncEnumerator();
        for (var seen = 0; seen <= children; seen++)
        {
            if (!await events.MoveNextAsync())
            {
                throw new InvalidOperationException("The watch ended before its initial events.");
            }
        }

        return (stream, subscription);
    }
}
