using BenchmarkDotNet.Attributes;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Benchmarks.Channels;

/// <summary>
/// Fan-out of each published message to 1,000 subscribers on one channel, counting what the subscribers read.
/// One operation = one delivery (one message read by one subscriber).
/// </summary>
[ShortInProcessConfig(warmupCount: 2, iterationCount: 5)]
#pragma warning disable CA1001 // BenchmarkDotNet disposes the client in [GlobalCleanup].
public class ChannelFanOutBenchmarks
{
    private const int Subscribers = 1_000;
    private const int MessagesPerInvoke = 1_000;
    private const int DeliveriesPerInvoke = Subscribers * MessagesPerInvoke;
    private const int Chunk = 100;

    private InMemoryChannelClient _client = null!;
    private IChannel _channel = null!;
    private ChannelMessage[] _batch = null!;
    private IAsyncEnumerator<ChannelMessage>[] _readers = [];
    private Task[] _readerTasks = [];
    private TaskCompletionSource _done = new();
    private long _targetPerReader;
    private int _pendingReaders;

    /// <summary>Messages per PublishAsync call.</summary>
    [Params(1, 100)]
    public int BatchSize { get; set; }

    [GlobalSetup(Target = nameof(FanOut1000_PublishThenDrain))]
    public void SetupSequential()
    {
        Setup();
        _readers = new IAsyncEnumerator<ChannelMessage>[Subscribers];
        for (var s = 0; s < Subscribers; s++)
        {
            _readers[s] = _channel.SubscribeAsync().AsTask().GetAwaiter().GetResult().GetAsyncEnumerator();
        }
    }

    [GlobalSetup(Target = nameof(FanOut1000_ConcurrentReaders))]
    public void SetupConcurrent()
    {
        Setup();
        _readerTasks = new Task[Subscribers];
        for (var s = 0; s < Subscribers; s++)
        {
            var subscription = _channel.SubscribeAsync().AsTask().GetAwaiter().GetResult();
            _readerTasks[s] = Task.Run(() => ReadAsync(subscription));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Task.WaitAll(_readerTasks);
    }

    /// <summary>Publish a chunk, then let every subscriber read it, on one thread.</summary>
    [Benchmark(OperationsPerInvoke = DeliveriesPerInvoke)]
    public async Task<long> FanOut1000_PublishThenDrain()
    {
        long read = 0;
        for (var done = 0; done < MessagesPerInvoke; done += Chunk)
        {
            for (var i = 0; i < Chunk; i += BatchSize)
            {
                await _channel.PublishAsync(_batch).ConfigureAwait(false);
            }

            foreach (var reader in _readers)
            {
                for (var i = 0; i < Chunk; i++)
                {
                    if (!await reader.MoveNextAsync().ConfigureAwait(false))
                    {
                        throw new InvalidOperationException("A subscription ended.");
                    }

                    read++;
                }
            }
        }

        return read;
    }

    /// <summary>Publish while 1,000 reader tasks (one per subscription, as an application would have) read; done when all have read everything.</summary>
    [Benchmark(OperationsPerInvoke = DeliveriesPerInvoke)]
    public async Task FanOut1000_ConcurrentReaders()
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pendingReaders, Subscribers);
        Volatile.Write(ref _targetPerReader, _targetPerReader + MessagesPerInvoke);
        for (var i = 0; i < MessagesPerInvoke; i += BatchSize)
        {
            await _channel.PublishAsync(_batch).ConfigureAwait(false);
        }

        await _done.Task.ConfigureAwait(false);
    }

    private void Setup()
    {
        // History is capped so that retaining messages (and promoting them through the GC) does not dominate.
        var hub = new InMemoryChannelHub(new InMemoryChannelOptions { MaxHistoryPerChannel = 100 });
        _client = new InMemoryChannelClient(hub);
        _channel = _client.GetChannel("bench:fanout");
        _batch = Enumerable.Range(0, BatchSize).Select(i => new ChannelMessage("tick", MessageData.FromString("payload"))).ToArray();
    }

    private async Task ReadAsync(IRealtimeSubscription<ChannelMessage> subscription)
    {
        long received = 0;
        await foreach (var message in subscription)
        {
            if (++received == Volatile.Read(ref _targetPerReader) && Interlocked.Decrement(ref _pendingReaders) == 0)
            {
                _done.TrySetResult();
            }
        }
    }
}
#pragma warning restore CA1001
