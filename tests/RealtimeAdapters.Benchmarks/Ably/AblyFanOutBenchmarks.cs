using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// Fan-out latency through the emulator's Ably front end: <see cref="Subscribers"/> WebSocket connections attached to one
/// channel (opened in [GlobalSetup], loopback only); one operation is one MESSAGE from a separate publisher connection
/// plus the wait until every subscriber has decoded it. The mean is the latency from the publish to its arrival at the
/// last subscriber. [GlobalCleanup] first samples per-subscriber arrival times over 100 more publishes (outside the
/// measured iterations) and prints their p50/p90/p99 to the console.
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class AblyFanOutBenchmarks
{
    private const string Channel = "bench:fanout";
    private const int SampledPublishes = 100;
    private readonly List<AblyBenchClient> _subscribers = [];
    private RealtimeEmulator _emulator = null!;
    private AblyBenchClient _publisher = null!;
    private long _msgSerial;
    private int _remaining;
    private long _publishedAt;
    private long[] _arrivals = [];
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Params(1000)]
    public int Subscribers { get; set; }

    /// <summary>The wire format of all connections: <c>json</c> (text frames) or <c>msgpack</c> (binary frames).</summary>
    [Params("json", "msgpack")]
    public string Format { get; set; } = "json";

    private WireFormat WireFormat => Format == "msgpack" ? WireFormat.MsgPack : WireFormat.Json;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }).ConfigureAwait(false);
        var key = _emulator.AblyKeys[0];
        _arrivals = new long[Subscribers];

        // Connect in parallel groups: one at a time would take a while, all at once floods the accept queue.
        const int group = 50;
        for (var start = 0; start < Subscribers; start += group)
        {
            var tasks = Enumerable.Range(start, Math.Min(group, Subscribers - start)).Select(async index =>
            {
                var client = await AblyBenchClient.ConnectAsync(_emulator.AblyUrl, key, WireFormat, onMessage: _ => OnMessage(index)).ConfigureAwait(false);
                await client.AttachAsync(Channel).ConfigureAwait(false);
                return client;
            });
            _subscribers.AddRange(await Task.WhenAll(tasks).ConfigureAwait(false));
        }

        _publisher = await AblyBenchClient.ConnectAsync(_emulator.AblyUrl, key, WireFormat, onAck: _ => { }).ConfigureAwait(false);
    }

    private void OnMessage(int index)
    {
        _arrivals[index] = Stopwatch.GetTimestamp() - Volatile.Read(ref _publishedAt);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _allReceived.TrySetResult();
        }
    }

    /// <summary>Per-subscriber arrival percentiles, measured here rather than by BenchmarkDotNet, which only sees the last.</summary>
    private Task SampleAsync() => ArrivalSampler.SampleAsync(
        $"Ably fan-out ({Format}, {Subscribers} subscribers, {SampledPublishes} publishes)", SampledPublishes, PublishUntilAllReceive, () => _arrivals);

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task CleanupAsync()
    {
        // After the measured iterations, so that the code is jitted at its final tier and the setup's garbage is gone.
        await SampleAsync().ConfigureAwait(false);
        await _publisher.DisposeAsync().ConfigureAwait(false);
        foreach (var subscriber in _subscribers)
        {
            await subscriber.DisposeAsync().ConfigureAwait(false);
        }

        _subscribers.Clear();
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }

    [Benchmark]
    public async Task PublishUntilAllReceive()
    {
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, Subscribers);
        Volatile.Write(ref _publishedAt, Stopwatch.GetTimestamp());
        await _publisher.PublishAsync(Channel, _msgSerial++, "tick", "payload").ConfigureAwait(false);
        await _allReceived.Task.WaitAsync(AblyBenchClient.Wait).ConfigureAwait(false);
    }
}
