using System.Text.Json;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// One round of the publish → receive workload: throughput, publish-to-receive latency percentiles (µs), and the CPU time
/// the client process spent per message (user + system; both clients of the round, not the emulator).
/// </summary>
internal sealed record WorkloadResult(int Messages, double ElapsedMs, double PerSecond, double P50Us, double P90Us, double P99Us, double MaxUs, double CpuUsPerMessage)
{
    /// <summary>Nearest-rank percentiles, as bench.mjs computes them.</summary>
    public static WorkloadResult From(int messages, TimeSpan elapsed, double[] latenciesUs, TimeSpan cpu)
    {
        Array.Sort(latenciesUs);
        double At(double p) => latenciesUs[Math.Min(latenciesUs.Length - 1, (int)Math.Ceiling(p / 100 * latenciesUs.Length) - 1)];
        return new(messages, elapsed.TotalMilliseconds, messages / elapsed.TotalSeconds, At(50), At(90), At(99), latenciesUs[^1], cpu.TotalMicroseconds / messages);
    }

    /// <summary>The result line bench.mjs prints.</summary>
    public static WorkloadResult FromJson(JsonElement result) => new(
        result.GetProperty("messages").GetInt32(),
        result.GetProperty("elapsedMs").GetDouble(),
        result.GetProperty("perSecond").GetDouble(),
        result.GetProperty("p50Us").GetDouble(),
        result.GetProperty("p90Us").GetDouble(),
        result.GetProperty("p99Us").GetDouble(),
        result.GetProperty("maxUs").GetDouble(),
        result.GetProperty("cpuUsPerMessage").GetDouble());
}
