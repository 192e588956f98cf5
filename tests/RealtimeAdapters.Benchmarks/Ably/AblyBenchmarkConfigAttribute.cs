using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// A short in-process job (1 launch, 3 warm-up and 10 measured iterations), memory diagnoser, Median and Min columns. The
/// emulator and the raw WebSocket clients share the benchmark process and talk over loopback, so what is measured is the
/// whole path: client encoding, TCP, Kestrel, the Ably front end, the channel engine and client decoding.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AblyBenchmarkConfigAttribute : Attribute, IConfigSource
{
    public AblyBenchmarkConfigAttribute() =>
        Config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("AblyInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min);

    public IConfig Config { get; }
}
