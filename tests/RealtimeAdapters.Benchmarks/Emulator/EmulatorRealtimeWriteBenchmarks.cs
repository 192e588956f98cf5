using System.Globalization;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// Writes over one realtime WebSocket connection: <c>p</c> requests of a small object, either pipelined (1,000 sent, then
/// the wait for the 1,000 <c>ok</c>s, as an SDK sends queued writes) or one at a time (each awaited). Time per operation is
/// per write, so writes/s = 1 s / time. After the measured iterations, the memory kept per listen is printed: 10,000
/// listens on distinct paths over one more connection (the server's cost, as the client keeps nothing per listen).
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class EmulatorRealtimeWriteBenchmarks
{
    private const int Pipelined = 1000;
    private const int Sequential = 100;
    private const int MeasuredListens = 10_000;
    private RealtimeEmulator _emulator = null!;
    private RealtimeBenchClient _client = null!;
    private int _expected;
    private int _answered;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }).ConfigureAwait(false);
        _client = await RealtimeBenchClient.ConnectAsync(_emulator.FirebaseUrl, onAnswer: _ => OnAnswer()).ConfigureAwait(false);
    }

    private void OnAnswer()
    {
        if (Interlocked.Increment(ref _answered) == Volatile.Read(ref _expected))
        {
            _done.TrySetResult();
        }
    }

    private Task ExpectAsync(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _answered, 0);
        Volatile.Write(ref _expected, count);
        return _done.Task;
    }

    private Task<long> SendPutAsync(int i) =>
        _client.SendAsync("p", "{\"p\":\"/bench/w" + (i % 100).ToString(CultureInfo.InvariantCulture) + "\",\"d\":{\"n\":" + i.ToString(CultureInfo.InvariantCulture) + ",\"text\":\"hello\"}}");

    [Benchmark(OperationsPerInvoke = Pipelined)]
    public async Task PutPipelined()
    {
        var all = ExpectAsync(Pipelined);
        for (var i = 0; i < Pipelined; i++)
        {
            await SendPutAsync(i).ConfigureAwait(false);
        }

        await all.WaitAsync(RealtimeBenchClient.Wait).ConfigureAwait(false);
    }

    [Benchmark(OperationsPerInvoke = Sequential)]
    public async Task PutAwaitingEach()
    {
        for (var i = 0; i < Sequential; i++)
        {
            var one = ExpectAsync(1);
            await SendPutAsync(i).ConfigureAwait(false);
            await one.WaitAsync(RealtimeBenchClient.Wait).ConfigureAwait(false);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task CleanupAsync()
    {
        await _client.DisposeAsync().ConfigureAwait(false);
        await MeasureListenMemoryAsync().ConfigureAwait(false);
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }

    private async Task MeasureListenMemoryAsync()
    {
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = 0;
        var listener = await RealtimeBenchClient.ConnectAsync(
            _emulator.FirebaseUrl, onAnswer: _ => { if (Interlocked.Increment(ref answered) == MeasuredListens) all.TrySetResult(); }).ConfigureAwait(false);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < MeasuredListens; i++)
        {
            await listener.SendAsync("q", "{\"p\":\"/mem/l" + i.ToString(CultureInfo.InvariantCulture) + "\",\"h\":\"\"}").ConfigureAwait(false);
        }

        await all.Task.WaitAsync(RealtimeBenchClient.Wait).ConfigureAwait(false);
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// Realtime listens: {MeasuredListens} on one connection keep {retained / 1024.0 / 1024.0:F1} MB, {retained / MeasuredListens:N0} bytes per listen (server side)"));
        GC.KeepAlive(listener);
        await listener.DisposeAsync().ConfigureAwait(false);
    }
}
