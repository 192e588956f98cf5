using BenchmarkDotNet.Attributes;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Benchmarks.Channels;

/// <summary>
/// Publish → deliver throughput to one subscriber, through the public client API (InMemoryChannelClient), counting the
/// messages the subscriber actually reads. One operation = one message delivered and read.
/// </summary>
[ShortInProcessConfig(warmupCount: 2, iterationCount: 5)]
#pragma warning disable CA1001 // BenchmarkDotNet disposes the client in [GlobalCleanup].
public class ChannelOneSubscriberBenchmarks
{
    private const int MessagesPerInvoke = 100_000;

    // The subscriber drains after every chunk, like a reader that keeps up; it also bounds what the queue holds.
    private const int Chunk = 1_000;

    private InMemoryChannelClient _client = null!;
    private IChannel _channel = null!;
    private IRealtimeSubscription<ChannelMessage> _subscription = null!;
    private IAsyncEnumerator<ChannelMessage> _reader = null!;
    private ChannelMessage[] _batch = null!;
    private Task _concurrentReader = Task.CompletedTask;
    private IRealtimeSubscription<ChannelMessage>? _concurrentSubscription;
    private TaskCompletionSource _concurrentDone = new();
    // The publisher stays at most this far ahead of the concurrent reader. Without a bound, a reader that gets less CPU
    // lets up to 100,000 messages pile up, and promoting that backlog through the GC generations then dominates the run.
    private const int MaxLead = 4_096;

    private long _published;
    private long _target;
    private long _received;

    /// <summary>Messages per PublishAsync call.</summary>
    [Params(1, 100)]
    public int BatchSize { get; set; }

    /// <summary>
    /// <see cref="InMemoryChannelOptions.MaxHistoryPerChannel"/>: 100 keeps retention from dominating; 10,000 (the
    /// default) shows what retaining messages costs (they survive into older GC generations).
    /// </summary>
    [Params(100, 10_000)]
    public int History { get; set; }

    [GlobalSetup(Target = nameof(PublishThenDrain))]
    public void SetupSequential()
    {
        Setup();
        _subscription = _channel.SubscribeAsync().AsTask().GetAwaiter().GetResult();
        _reader = _subscription.GetAsyncEnumerator();
    }

    [GlobalSetup(Target = nameof(PublishWithConcurrentReader))]
    public void SetupConcurrent()
    {
        Setup();
        _concurrentSubscription = _channel.SubscribeAsync().AsTask().GetAwaiter().GetResult();
        _concurrentReader = Task.Run(ReadConcurrentlyAsync);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _concurrentReader.GetAwaiter().GetResult();
    }

    /// <summary>Publish a chunk, then read it, on one thread: the engine's cost per message, end to end.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task<long> PublishThenDrain()
    {
        long read = 0;
        for (var done = 0; done < MessagesPerInvoke; done += Chunk)
        {
            for (var i = 0; i < Chunk; i += BatchSize)
            {
                await _channel.PublishAsync(_batch).ConfigureAwait(false);
            }

            for (var i = 0; i < Chunk; i++)
            {
                if (!await _reader.MoveNextAsync().ConfigureAwait(false))
                {
                    throw new InvalidOperationException("The subscription ended.");
                }

                read++;
            }
        }

        return read;
    }

    /// <summary>
    /// Publish on this thread while a reader task reads on the other core (the publisher staying at most
    /// <see cref="MaxLead"/> messages ahead); done when the reader has read them all.
    /// </summary>
    [Benchmark(OperationsPerInvoke = MessagesPerInvoke)]
    public async Task PublishWithConcurrentReader()
    {
        _concurrentDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = _published;
        _published += MessagesPerInvoke;
        Volatile.Write(ref _target, _published);
        for (var i = 0; i < MessagesPerInvoke; i += BatchSize)
        {
            await _channel.PublishAsync(_batch).ConfigureAwait(false);
            sent += BatchSize;
            var spin = default(SpinWait);
            while (sent - Volatile.Read(ref _received) > MaxLead)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        await _concurrentDone.Task.ConfigureAwait(false);
    }

    private void Setup()
    {
        var hub = new InMemoryChannelHub(new InMemoryChannelOptions { MaxHistoryPerChannel = History });
        _client = new InMemoryChannelClient(hub);
        _channel = _client.GetChannel("bench:one");
        _batch = Enumerable.Range(0, BatchSize).Select(i => new ChannelMessage("tick", MessageData.FromString("payload"))).ToArray();
    }

    private async Task ReadConcurrentlyAsync()
    {
        long received = 0;
        await foreach (var message in _concurrentSubscription!)
        {
            if ((++received & 255) == 0)
            {
                Volatile.Write(ref _received, received);
            }

            if (received == Volatile.Read(ref _target))
            {
                Volatile.Write(ref _received, received);
                _concurrentDone.TrySetResult();
            }
        }
    }
}
#pragma warning restore CA1001
