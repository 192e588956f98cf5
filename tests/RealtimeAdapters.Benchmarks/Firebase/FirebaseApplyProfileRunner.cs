using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// Where the time of <see cref="FirebaseStreamApplyBenchmarks.ApplyEvents"/> goes as the list grows: the same workload
/// (1,000 events per round, one child changed each) timed round by round, with the garbage collector's pauses measured
/// apart (<see cref="GC.GetTotalPauseDuration"/>). The fastest round shows the work without a collection and with the
/// least interference from other processes; the mean minus the pauses, the work with them.
/// With <c>--floor</c> each size is also run on <see cref="FirebaseApplyFloor"/> (the same events into a mutable hash map
/// of parsed values, then of JSON bytes: <c>floor-u8</c>; into an immutable sorted map: <c>sorted</c>; into the
/// provider's <see cref="DataNode"/> tree without its engine: <c>tree</c>), the lower bounds the provider's figures are
/// read against.
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --firebase-apply-profile [--rounds 300] [--children 100,10000,100000] [--floor]</c>.
/// </summary>
internal static class FirebaseApplyProfileRunner
{
    private const int EventsPerRound = 1000;

    private static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = RunnerOptions.Int(args, "--rounds", 300);
        var at = Array.IndexOf(args, "--children");
        var sizes = at >= 0 && at + 1 < args.Length
            ? args[at + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [100, 10_000, 100_000];
        var floor = args.Contains("--floor");
        Console.WriteLine("workload | children | mean µs/event | fastest round | GC pause µs/event | mean - GC | gen0 / gen1 / gen2 per 1,000 events");
        foreach (var children in sizes)
        {
            var benchmark = new FirebaseStreamApplyBenchmarks { Children = children };
            benchmark.Setup();
            try
            {
                await ProfileAsync("provider", children, rounds, benchmark.ApplyEvents).ConfigureAwait(false);
            }
            finally
            {
                benchmark.Cleanup();
            }

            if (floor)
            {
                // The provider's list is gone before the floor's is built: each measures a heap holding one list.
                benchmark = null;
                GC.Collect();
                foreach (var keep in Enum.GetValues<FloorStore>())
                {
                    var lowerBound = new FirebaseApplyFloor { Children = children, Keep = keep };
                    lowerBound.Setup();
                    var name = keep switch
                    {
                        FloorStore.Values => "floor",
                        FloorStore.Utf8 => "floor-u8",
                        FloorStore.SortedMap => "sorted",
                        _ => "tree",
                    };
                    await ProfileAsync(name, children, rounds, () =>
                    {
                        lowerBound.Apply();
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                    lowerBound = null;
                    GC.Collect();
                }
            }

            GC.Collect();
        }

        return 0;
    }

    private static async Task ProfileAsync(string workload, int children, int rounds, Func<Task> round)
    {
        // Warm-up: the JIT's final tier and the pools. By time as well as by rounds: on two cores the tiered compiler's
        // background work takes a few seconds, and a count of rounds alone left the first workload of a run measured
        // partly before it (its mean 1.7x that of the same workload measured again later in the process).
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < Math.Max(10, rounds / 10) || warming.Elapsed < WarmUpTime; i++)
        {
            await round().ConfigureAwait(false);
        }

        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var pauses = GC.GetTotalPauseDuration();
        var fastest = TimeSpan.MaxValue;
        var total = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            await round().ConfigureAwait(false);
            fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
        }

        var events = (double)rounds * EventsPerRound;
        var mean = total.Elapsed.TotalMicroseconds / events;
        var gc = (GC.GetTotalPauseDuration() - pauses).TotalMicroseconds / events;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{workload,8} | {children,8} | {mean,13:F2} | {fastest.TotalMicroseconds / EventsPerRound,13:F2} | {gc,17:F2} | {mean - gc,9:F2} | " +
            $"{(GC.CollectionCount(0) - gen0) * 1000 / events:F2} / {(GC.CollectionCount(1) - gen1) * 1000 / events:F2} / {(GC.CollectionCount(2) - gen2) * 1000 / events:F2}"));
    }
}
