using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// Publish → receive through the C# Ably provider (<see cref="AblyProviderWorkload"/>: one publisher and one subscriber
/// <c>AblyChannelClient</c>, 100-byte string messages, at most 100 publishes awaiting ACK) on an in-process emulator.
/// Time per operation is per message; messages/s = 1 s / time. The same workload against ably-js, side by side:
/// <c>-- --ably-vs-js</c> (<see cref="AblyVsJsRunner"/>).
/// </summary>
[ShortInProcessConfig]
public class AblyProviderThroughputBenchmarks
{
    private const int MessagesPerInvoke = 2_000;

    private RealtimeEmulator _emulator = null!;
    private AblyProviderWorkload _workload = null!;

    /// <summary>The wire format of both clients.</summary>
    [Params("json", "msgpack")]
    public string Format { get; set; } = "json";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } });
        _workload = await AblyProviderWorkload.StartAsync(_emulator.AblyUrl, _emulator.AblyKeys[0], Format == "msgpack", "bench:provider-throughput");
    }

    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public Task PublishWindowedUntilSubscriberReceivesAll() => _workload.RunAsync(MessagesPerInvoke);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _workload.DisposeAsync();
        await _emulator.DisposeAsync();
    }
}
