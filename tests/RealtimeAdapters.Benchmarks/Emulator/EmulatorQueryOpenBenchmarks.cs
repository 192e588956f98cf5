using BenchmarkDotNet.Attributes;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// The time to open 1,000 SSE streams of <c>orderBy="score"&amp;limitToLast=10</c> over a location with 10,000 children:
/// one operation opens them (16 connects in flight at a time) and waits until each has received its initial window.
/// The streams are closed after each iteration, so every iteration starts without any watch of the query.
/// </summary>
[ShortInProcessConfig(1, 5)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class EmulatorQueryOpenBenchmarks
{
    private const int StreamCount = 1000;
    private ScoreBoardEmulator _board = null!;
    private SseStreamFleet? _streams;

    [GlobalSetup]
    public void Setup() => _board = ScoreBoardEmulator.StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _board.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [IterationCleanup]
    public void CloseStreams()
    {
        _streams?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _streams = null;
    }

    [Benchmark]
    public async Task OpenQueryStreams()
    {
        _streams = new SseStreamFleet(_board.Http, onEvent: null);
        await _streams.OpenAsync(ScoreBoardEmulator.QueryPath, StreamCount, parallelism: 16).ConfigureAwait(false);
    }
}
