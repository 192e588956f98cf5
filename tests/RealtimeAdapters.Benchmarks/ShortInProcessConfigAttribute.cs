using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RealtimeAdapters.Benchmarks;

/// <summary>
/// The job every benchmark here uses: a short run (1 launch, a few warm-up and measured iterations) in process, with the
/// memory diagnoser and Median/Min beside the mean. In process because generating and building a separate benchmark
/// project takes longer than BenchmarkDotNet's build timeout on small shared machines; the Release build started by
/// <c>dotnet run -c Release</c> is measured directly, and servers started by a benchmark (the emulator) share its process,
/// so a loopback benchmark measures the whole path. Median and Min matter on shared machines, whose outliers only ever
/// make an operation slower.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ShortInProcessConfigAttribute : Attribute, IConfigSource
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="warmupCount">Warm-up iterations.</param>
    /// <param name="iterationCount">Measured iterations.</param>
    public ShortInProcessConfigAttribute(int warmupCount = 3, int iterationCount = 10) =>
        Config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(warmupCount)
                .WithIterationCount(iterationCount)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("ShortInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min);

    /// <summary>The configuration.</summary>
    public IConfig Config { get; }

}
