using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Benchmarks;

/// <summary>
/// Per-receiver arrival percentiles of a fan-out, measured outside BenchmarkDotNet (which only sees the last arrival of
/// each operation): runs a number of rounds, collects every receiver's arrival time after each, and prints p50/p90/p99.
/// </summary>
internal static class ArrivalSampler
{
    /// <param name="label">What is measured, for the printed line.</param>
    /// <param name="rounds">How many publishes or writes to time.</param>
    /// <param name="round">One publish or write, returning once every receiver has it.</param>
    /// <param name="arrivals">Each receiver's arrival, in <see cref="Stopwatch"/> ticks after the round started.</param>
    public static async Task SampleAsync(string label, int rounds, Func<Task> round, Func<long[]> arrivals)
    {
        var all = new List<double>();
        var last = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            await round().ConfigureAwait(false);
            var ms = arrivals().Select(t => t * 1000.0 / Stopwatch.Frequency).ToList();
            all.AddRange(ms);
            last.Add(ms.Max());
        }

        all.Sort();
        last.Sort();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// {label}: per-receiver arrival p50 {Percentile(all, 0.50):F2} ms, p90 {Percentile(all, 0.90):F2} ms, " +
            $"p99 {Percentile(all, 0.99):F2} ms, max {all[^1]:F2} ms; last arrival p50 {Percentile(last, 0.50):F2} ms, p99 {Percentile(last, 0.99):F2} ms"));
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
