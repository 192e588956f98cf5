using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// A short in-process job (1 launch, 3 warm-up and 10 measured iterations): the emulator, its HTTP clients and its open
/// streams live in the benchmark process, so what is measured is the whole loopback round trip.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class EmulatorBenchmarkConfigAttribute : Attribute, IConfigSource
{
    public EmulatorBenchmarkConfigAttribute() =>
        Config = ManualConfig.CreateEmpty()
            .AddJob(Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithId("EmulatorInProcess"))
            .AddDiagnoser(MemoryDiagnoser.Default);

    public IConfig Config { get; }
}
