using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RealtimeAdapters.Benchmarks.Channels;

/// <summary>
/// A short job (1 launch, 2 warm-ups, 5 iterations) with allocation figures, run in-process: BenchmarkDotNet's generated
/// project would sit under tests/, where Directory.Build.props adds the xunit global using and breaks its build.
/// </summary>
public sealed class ChannelBenchmarkConfig : ManualConfig
{
    public ChannelBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(5)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("ShortInProcess"));
        AddDiagnoser(MemoryDiagnoser.Default);
    }
}
