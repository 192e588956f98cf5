using System.Diagnostics;
using System.Globalization;
using RealtimeAdapters.Ably;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// The C# half of the provider-vs-ably-js workload (the ably-js half is tests/interop/peer/bench.mjs; keep them the same):
/// one publisher <see cref="AblyChannelClient"/> (echo off) and one subscriber client on one channel; a round publishes
/// <c>count</c> messages named <c>bench</c>, one message per publish, each a string of exactly <c>size</c> ASCII
/// characters <c>seq|sendTimestamp|xxxx…</c>, with at most <c>window</c> publishes awaiting their ACK; it ends when every
/// ACK has arrived and the subscriber has received all of them. Latency is receive time minus the send time carried in
/// the payload (<see cref="Stopwatch.GetTimestamp"/>, one process, one clock).
/// </summary>
internal sealed class AblyProviderWorkload : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private readonly AblyChannelClient _publisher;
    private readonly AblyChannelClient _subscriber;
    private readonly int _size;
    private readonly int _window;
    private IChannel? _channel;
    private IRealtimeSubscription<ChannelMessage>? _subscription;
    private Task _reader = Task.CompletedTask;
    private long[] _latencies = [];
    private long[] _receivedAt = [];
    private int _expected;
    private int _received;
    private TaskCompletionSource _roundDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AblyProviderWorkload(Uri ablyUrl, string key, bool binary, int size, int window)
    {
        if (size < 32)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "The payload needs at least 32 characters for the sequence number and timestamp.");
        }

        _size = size;
        _window = window;
        _publisher = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = ablyUrl, Key = key, UseBinaryProtocol = binary, EchoMessages = false });
        _subscriber = new AblyChannelClient(new AblyChannelClientOptions { Endpoint = ablyUrl, Key = key, UseBinaryProtocol = binary });
    }

    /// <summary>Connects both clients and subscribes to <paramref name="channel"/>.</summary>
    public static async Task<AblyProviderWorkload> StartAsync(Uri ablyUrl, string key, bool binary, string channel, int size = 100, int window = 100)
    {
        var workload = new AblyProviderWorkload(ablyUrl, key, binary, size, window);
        await workload._publisher.Connection.ConnectAsync().AsTask().WaitAsync(Wait).ConfigureAwait(false);
        await workload._subscriber.Connection.ConnectAsync().AsTask().WaitAsync(Wait).ConfigureAwait(false);
        workload._channel = workload._publisher.GetChannel(channel);
        workload._subscription = await workload._subscriber.GetChannel(channel)
            .SubscribeAsync(new ChannelSubscriptionOptions { EventNames = ["bench"], Buffer = new SubscriptionBufferOptions { Capacity = null } })
            .AsTask().WaitAsync(Wait).ConfigureAwait(false);
        workload._reader = Task.Run(workload.ReadAsync);
        return workload;
    }

    /// <summary>What the runtime did during the last round (garbage collections, pauses, gaps between receipts).</summary>
    public RoundDiagnostics? LastDiagnostics { get; private set; }

    /// <summary>Publishes <paramref name="count"/> messages and waits until all are acknowledged and received.</summary>
    public async Task<WorkloadResult> RunAsync(int count)
    {
        _latencies = new long[count];
        _receivedAt = new long[count];
        _roundDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _received, 0);
        Volatile.Write(ref _expected, count);
        var channel = _channel!;
        var inflight = new Queue<ValueTask>(_window);
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var gcBefore = GcCounts.Now();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
#pragma warning disable CA2012 // Each queued ValueTask is awaited exactly once, in order, below.
            inflight.Enqueue(channel.PublishAsync("bench", Payload(i, Stopwatch.GetTimestamp(), _size)));
#pragma warning restore CA2012
            if (inflight.Count >= _window)
            {
                await inflight.Dequeue().ConfigureAwait(false);
            }
        }

        while (inflight.Count > 0)
        {
            await inflight.Dequeue().ConfigureAwait(false);
        }

        await _roundDone.Task.WaitAsync(Wait).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        LastDiagnostics = RoundDiagnostics.From(GcCounts.Now() - gcBefore, _receivedAt, _latencies);
        return WorkloadResult.From(count, elapsed, _latencies.Select(t => t * 1_000_000.0 / Stopwatch.Frequency).ToArray(), cpu);
    }

    private async Task ReadAsync()
    {
        await foreach (var message in ((IAsyncEnumerable<ChannelMessage>)_subscription!).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            var data = message.Data.AsString().AsSpan();
            var first = data.IndexOf('|');
            var rest = data[(first + 1)..];
            var sent = long.Parse(rest[..rest.IndexOf('|')], NumberStyles.None, CultureInfo.InvariantCulture);
            var index = _received;
            if (index < _latencies.Length)
            {
                _latencies[index] = now - sent;
                _receivedAt[index] = now;
            }

            _received = index + 1;
            if (index + 1 == Volatile.Read(ref _expected))
            {
                _roundDone.TrySetResult();
            }
        }
    }

    /// <summary><c>seq|timestamp|</c> padded with <c>x</c> to exactly <paramref name="size"/> characters.</summary>
    private static string Payload(int seq, long timestamp, int size) =>
        string.Create(size, (seq, timestamp), static (span, state) =>
        {
            span.Fill('x');
            state.seq.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
            span[written++] = '|';
            state.timestamp.TryFormat(span[written..], out var more, provider: CultureInfo.InvariantCulture);
            written += more;
            span[written] = '|';
        });

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        await _reader.WaitAsync(Wait).ConfigureAwait(false);
        await _publisher.DisposeAsync().ConfigureAwait(false);
        await _subscriber.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Garbage collections by generation and the runtime's total pause time, to subtract one reading from another.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2, TimeSpan Paused)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());

    public static GcCounts operator -(GcCounts a, GcCounts b) => new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.Paused - b.Paused);
}

/// <summary>
/// Where a round's tail latency may come from: the collections and pause time during it, the longest gap between two
/// receipts, and how many of the slowest 1% of messages arrived right after such a gap (a stall of the receiving side:
/// GC, thread pool, timers) rather than spread out (queueing upstream).
/// </summary>
internal sealed record RoundDiagnostics(GcCounts Gc, double LongestGapMs, int GapsOver5Ms, int TailAfterGap, int Tail)
{
    public static RoundDiagnostics From(GcCounts gc, long[] receivedAt, long[] latencies)
    {
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        var longest = 0L;
        var gaps = 0;
        var afterGap = new bool[receivedAt.Length];
        for (var i = 1; i < receivedAt.Length; i++)
        {
            var gap = receivedAt[i] - receivedAt[i - 1];
            longest = Math.Max(longest, gap);
            if (Ms(gap) > 5)
            {
                gaps++;
                afterGap[i] = true;
            }
        }

        // The slowest 1%: how many of them are the first receipt after a gap of more than 5 ms, or within 50 receipts of one.
        var tail = Enumerable.Range(0, latencies.Length).OrderByDescending(i => latencies[i]).Take(Math.Max(1, latencies.Length / 100)).ToList();
        var lastGap = -1;
        var nearGap = new bool[receivedAt.Length];
        for (var i = 0; i < receivedAt.Length; i++)
        {
            lastGap = afterGap[i] ? i : lastGap;
            nearGap[i] = lastGap >= 0 && i - lastGap < 50;
        }

        return new(gc, Ms(longest), gaps, tail.Count(i => nearGap[i]), tail.Count);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"GC gen0/1/2 {Gc.Gen0}/{Gc.Gen1}/{Gc.Gen2}, paused {Gc.Paused.TotalMilliseconds:F1} ms; longest receive gap {LongestGapMs:F1} ms, {GapsOver5Ms} gaps > 5 ms; {TailAfterGap} of the {Tail} slowest within 50 receipts after such a gap");
}
