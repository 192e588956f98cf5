using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// Messages per second through the emulator's Ably front end: one publisher connection sends <see cref="Batch"/> MESSAGE
/// frames (one message each, msgSerial increasing, pipelined: it does not wait for an ACK before the next send) to a
/// channel with one subscriber connection; one invocation ends when every ACK has arrived and the subscriber has decoded
/// every message. Time per operation is per message.
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class AblyThroughputBenchmarks
{
    private const int Batch = 2000;
    private const string Channel = "bench:throughput";
    private RealtimeEmulator _emulator = null!;
    private AblyBenchClient _publisher = null!;
    private AblyBenchClient _subscriber = null!;
    private long _msgSerial;
    private int _acksLeft;
    private int _messagesLeft;
    private TaskCompletionSource _acked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The wire format of both connections: <c>json</c> (text frames) or <c>msgpack</c> (binary frames).</summary>
    [Params("json", "msgpack")]
    public string Format { get; set; } = "json";

    private WireFormat WireFormat => Format == "msgpack" ? WireFormat.MsgPack : WireFormat.Json;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }).ConfigureAwait(false);
        var key = _emulator.AblyKeys[0];
        _subscriber = await AblyBenchClient.ConnectAsync(_emulator.AblyUrl, key, WireFormat, onMessage: OnMessage).ConfigureAwait(false);
        await _subscriber.AttachAsync(Channel).ConfigureAwait(false);
        _publisher = await AblyBenchClient.ConnectAsync(_emulator.AblyUrl, key, WireFormat, onAck: OnAck).ConfigureAwait(false);
    }

    private void OnMessage(ProtocolMessage message)
    {
        if (Interlocked.Add(ref _messagesLeft, -(message.Messages?.Count ?? 0)) <= 0)
        {
            _received.TrySetResult();
        }
    }

    private void OnAck(ProtocolMessage message)
    {
        if (message.Action == ProtocolAction.Nack)
        {
            _acked.TrySetException(new InvalidOperationException("NACK: " + message.Error?.Message));
            return;
        }

        if (Interlocked.Add(ref _acksLeft, -(message.Count ?? 1)) <= 0)
        {
            _acked.TrySetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task CleanupAsync()
    {
        await _publisher.DisposeAsync().ConfigureAwait(false);
        await _subscriber.DisposeAsync().ConfigureAwait(false);
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task PublishUntilSubscriberReceivesAll()
    {
        _acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _acksLeft, Batch);
        Volatile.Write(ref _messagesLeft, Batch);
        for (var i = 0; i < Batch; i++)
        {
            await _publisher.PublishAsync(Channel, _msgSerial++, "tick", "payload").ConfigureAwait(false);
        }

        await Task.WhenAll(_acked.Task, _received.Task).WaitAsync(AblyBenchClient.Wait).ConfigureAwait(false);
    }
}
