using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RealtimeAdapters.Benchmarks.Store;

/// <summary>
/// A short job (1 launch, 3 warm-up and 5 measured iterations) run in process, with the memory diagnoser. In process
/// because generating and building a separate benchmark project takes longer than BenchmarkDotNet's build timeout on
/// small CI machines; the Release build started by <c>dotnet run -c Release</c> is measured directly. Median and Min are
/// shown beside the mean because shared machines add outliers that only ever make an operation slower.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StoreBenchmarkConfigAttribute : Attribute, IConfigSource
{
    public StoreBenchmarkConfigAttribute() =>
        Config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(5)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("ShortInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min);

    public IConfig Config { get; }
}
