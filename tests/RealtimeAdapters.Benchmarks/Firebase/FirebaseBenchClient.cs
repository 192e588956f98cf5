using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RealtimeAdapters.Firebase;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// <c>--firebase-bench-client &lt;port&gt; &lt;namespace&gt; &lt;path&gt;</c>: the C# provider's side of
/// <see cref="FirebaseVsJsRunner"/>, in its own process as the web SDK's side (tests/interop/peer/firebase-bench.mjs) is,
/// so that neither client shares a heap or a collector with the emulator. It speaks the same line protocol: a ready line
/// once the watch's initial value arrived, then <c>arm &lt;count&gt;</c> (answered at once, then with the wall-clock times
/// of the first and last of the next <c>count</c> child-changed events, plus this process's allocation and collections
/// over them), <c>rtt &lt;count&gt;</c> (awaited <c>SetAsync</c> round trips) and <c>mem</c> (heap kept by one more watch
/// of the path on a second, already connected store).
/// </summary>
internal static class FirebaseBenchClient
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new FirebaseStoreOptions
        {
            DatabaseUrl = new Uri($"http://127.0.0.1:{int.Parse(args[0], CultureInfo.InvariantCulture)}/"),
            Namespace = args[1],
            UseEmulatorAdmin = true,
        };
        var path = args[2];
        await using var store = new FirebaseRealtimeStore(options);
        await using var watch = await store.WatchAsync(path, new WatchOptions { Events = StoreEventKind.ChildChanged });
        await using var events = watch.GetAsyncEnumerator();
        Reply(new Dictionary<string, object> { ["ready"] = true });

        while (await Console.In.ReadLineAsync() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var count = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
            switch (parts[0])
            {
                case "arm":
                    Reply(new Dictionary<string, object> { ["armed"] = true });
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    var (paused, collections, gen1) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1));
                    var first = 0.0;
                    for (var i = 0; i < count; i++)
                    {
                        if (!await events.MoveNextAsync())
                        {
                            throw new InvalidOperationException("The watch ended.");
                        }

                        if (i == 0)
                        {
                            first = WallClockMs();
                        }
                    }

                    var last = WallClockMs();
                    Reply(new Dictionary<string, object>
                    {
                        ["events"] = count,
                        ["first"] = first,
                        ["last"] = last,
                        ["allocatedPerEvent"] = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)Math.Max(1, count),
                        ["collections"] = GC.CollectionCount(0) - collections,
                        ["gen1"] = GC.CollectionCount(1) - gen1,
                        ["pauseMs"] = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds,
                    });
                    break;
                case "rtt":
                    var samples = new double[count];
                    for (var i = 0; i < count; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        await store.SetAsync("bench-rtt/v", DataNode.FromNumber(i));
                        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    }

                    Reply(new Dictionary<string, object> { ["samples"] = samples });
                    break;
                case "mem":
                    Reply(new Dictionary<string, object> { ["bytes"] = await WatchMemoryAsync(options, path), ["gc"] = true });
                    break;
                default:
                    throw new InvalidOperationException($"Unknown command '{line}'.");
            }
        }

        return 0;
    }

    /// <summary>Wall-clock milliseconds since the epoch, comparable with the runner's and Node's on the same machine.</summary>
    public static double WallClockMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    private static void Reply(Dictionary<string, object> value)
    {
        value["ok"] = true;
        Console.Out.WriteLine(JsonSerializer.Serialize(value));
        Console.Out.Flush();
    }

    /// <summary>Heap retained by one more watch of the path, on a second store that is already connected.</summary>
    private static async Task<long> WatchMemoryAsync(FirebaseStoreOptions options, string path)
    {
        await using var other = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = options.DatabaseUrl, Namespace = options.Namespace, UseEmulatorAdmin = true });
        await other.SetAsync("bench-rtt/mem", DataNode.FromNumber(1));
        var before = Heap();
        var watch = await other.WatchAsync(path, new WatchOptions { Events = StoreEventKind.ChildChanged });
        var after = Heap();
        await watch.DisposeAsync();
        return after - before;
    }

    /// <summary>The heap in use once full, compacting collections and finalizers have run.</summary>
    public static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
