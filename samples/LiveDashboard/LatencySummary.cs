namespace LiveDashboard;

/// <summary>Delivery latency over a set of messages.</summary>
/// <param name="Count">How many messages were measured.</param>
/// <param name="P50">The median.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="Max">The slowest.</param>
public sealed record LatencySummary(int Count, TimeSpan P50, TimeSpan P99, TimeSpan Max)
{
    /// <summary>Summarises latencies (nearest-rank percentiles).</summary>
    /// <param name="latencies">The measured latencies.</param>
    public static LatencySummary From(IEnumerable<TimeSpan> latencies)
    {
        ArgumentNullException.ThrowIfNull(latencies);
        var sorted = latencies.Order().ToArray();
        return sorted.Length == 0
            ? new LatencySummary(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero)
            : new LatencySummary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>For example <c>p50 1.2 ms, p99 4.0 ms, max 5.3 ms over 2000 messages</c>.</summary>
    public override string ToString() =>
        $"p50 {P50.TotalMilliseconds:F1} ms, p99 {P99.TotalMilliseconds:F1} ms, max {Max.TotalMilliseconds:F1} ms over {Count} messages";

    private static TimeSpan Percentile(TimeSpan[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
