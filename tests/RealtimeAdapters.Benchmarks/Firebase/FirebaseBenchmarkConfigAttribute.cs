using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// A short in-process job (1 launch, 3 warm-up and 10 measured iterations) with the memory diagnoser and Median/Min
/// columns: the emulator, the provider and its stream live in the benchmark process, so the whole loopback path is
/// measured, and shared machines add outliers that only ever make an operation slower.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class FirebaseBenchmarkConfigAttribute : Attribute, IConfigSource
{
    public FirebaseBenchmarkConfigAttribute() =>
        Config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("FirebaseInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min);

    public IConfig Config { get; }
}
