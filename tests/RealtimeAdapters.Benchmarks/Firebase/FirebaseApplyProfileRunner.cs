using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// Where the time of <see cref="FirebaseStreamApplyBenchmarks.ApplyEvents"/> goes as the list grows: the same workload
/// (1,000 events per round, one child changed each) timed round by round, with the garbage collector's pauses measured
/// apart (<see cref="GC.GetTotalPauseDuration"/>). The fastest round shows the work without a collection and with the
/// least interference from other processes; the mean minus the pauses, the work with them.
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --firebase-apply-profile [--rounds 300] [--children 100,10000,100000]</c>.
/// </summary>
internal static class FirebaseApplyProfileRunner
{
    private const int EventsPerRound = 1000;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = RunnerOptions.Int(args, "--rounds", 300);
        var at = Array.IndexOf(args, "--children");
        var sizes = at >= 0 && at + 1 < args.Length
            ? args[at + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray()
            : [100, 10_000, 100_000];
        Console.WriteLine("children | mean µs/event | fastest round | GC pause µs/event | mean - GC | gen0 / gen1 / gen2 per 1,000 events");
        foreach (var children in sizes)
        {
            var benchmark = new FirebaseStreamApplyBenchmarks { Children = children };
            benchmark.Setup();
            try
            {
                // Warm-up: the JIT's final tier and the pools.
                for (var i = 0; i < Math.Max(10, rounds / 10); i++)
                {
                    await benchmark.ApplyEvents().ConfigureAwait(false);
                }

                var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
                var pauses = GC.GetTotalPauseDuration();
                var fastest = TimeSpan.MaxValue;
                var total = Stopwatch.StartNew();
                for (var round = 0; round < rounds; round++)
                {
                    var watch = Stopwatch.StartNew();
                    await benchmark.ApplyEvents().ConfigureAwait(false);
                    fastest = watch.Elapsed < fastest ? watch.Elapsed : fastest;
                }

                var events = (double)rounds * EventsPerRound;
                var mean = total.Elapsed.TotalMicroseconds / events;
                var gc = (GC.GetTotalPauseDuration() - pauses).TotalMicroseconds / events;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{children,8} | {mean,13:F2} | {fastest.TotalMicroseconds / EventsPerRound,13:F2} | {gc,17:F2} | {mean - gc,9:F2} | " +
                    $"{(GC.CollectionCount(0) - gen0) * 1000 / events:F2} / {(GC.CollectionCount(1) - gen1) * 1000 / events:F2} / {(GC.CollectionCount(2) - gen2) * 1000 / events:F2}"));
            }
            finally
            {
                benchmark.Cleanup();
            }
        }

        return 0;
    }
}
