using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// The latency from a REST write to its arrival on 1,000 open SSE streams over a location with 10,000 children, for
/// plain streams of the location and for <c>orderBy="score"&amp;limitToLast=10</c> query streams. Each write gives a
/// child the highest score so far, so it enters every query window and pushes the lowest member out; one operation is
/// the PUT plus the wait until every stream has parsed the event carrying the new score.
/// </summary>
[ShortInProcessConfig(1, 5)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class EmulatorQueryFanOutBenchmarks
{
    private const int StreamCount = 1000;
    private ScoreBoardEmulator _board = null!;
    private SseStreamFleet _streams = null!;
    private long _target = 1_000_000;
    private int _written;
    private int _remaining;
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Params(FanOutStreamKind.Plain, FanOutStreamKind.LimitToLast10)]
    public FanOutStreamKind Streams { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _board = await ScoreBoardEmulator.StartAsync().ConfigureAwait(false);
        _streams = new SseStreamFleet(_board.Http, OnEvent);
        var path = Streams == FanOutStreamKind.Plain ? ScoreBoardEmulator.PlainPath : ScoreBoardEmulator.QueryPath;
        await _streams.OpenAsync(path, StreamCount, parallelism: 16).ConfigureAwait(false);
    }

    private void OnEvent(string data)
    {
        using var doc = JsonDocument.Parse(data);
        if (Contains(doc.RootElement.GetProperty("data"), Volatile.Read(ref _target)) && Interlocked.Decrement(ref _remaining) == 0)
        {
            _allReceived.TrySetResult();
        }
    }

    // The plain stream's event carries the score itself, the query stream's the child holding it (beside the one leaving).
    private static bool Contains(JsonElement element, long value) => element.ValueKind switch
    {
        JsonValueKind.Number => element.TryGetInt64(out var n) && n == value,
        JsonValueKind.Object => element.EnumerateObject().Any(p => Contains(p.Value, value)),
        _ => false,
    };

    [GlobalCleanup]
    public void Cleanup()
    {
        _streams.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _board.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task WriteUntilAllStreamsReceive()
    {
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, StreamCount);
        var target = Interlocked.Increment(ref _target);

        // A child not written before (until 10,000 writes), so that it enters the window from below.
        var child = _written++ % ScoreBoardEmulator.Children;
        await _board.SetScoreAsync(child, target).ConfigureAwait(false);
        await _allReceived.Task.ConfigureAwait(false);
    }
}
