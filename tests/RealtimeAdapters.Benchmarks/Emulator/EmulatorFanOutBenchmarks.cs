using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// The latency from a REST write to its arrival at each of N listeners of the written location, over Server-Sent Events
/// (one stream each) or the realtime WebSocket protocol (one connection and listen each): one operation is a PUT plus the
/// wait until the last listener has parsed the new value. After the measured iterations, 100 more writes are timed per
/// listener (p50/p99 of every arrival), and the memory kept per open listener is printed.
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class EmulatorFanOutBenchmarks
{
    private const int SampledWrites = 100;
    private readonly List<HttpResponseMessage> _responses = [];
    private readonly List<Task> _readers = [];
    private readonly List<RealtimeBenchClient> _sockets = [];
    private readonly CancellationTokenSource _stop = new();
    private RealtimeEmulator _emulator = null!;
    private HttpClient _http = null!;
    private long[] _arrivals = [];
    private long _writtenAt;
    private int _target;
    private int _remaining;
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Params(1000)]
    public int Listeners { get; set; }

    [Params("sse", "websocket")]
    public string Transport { get; set; } = "sse";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }).ConfigureAwait(false);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = _emulator.FirebaseUrl,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        await PutAsync(0).ConfigureAwait(false);
        _arrivals = new long[Listeners];
        var before = GC.GetTotalMemory(forceFullCollection: true);
        if (Transport == "sse")
        {
            await OpenStreamsAsync().ConfigureAwait(false);
        }
        else
        {
            await OpenSocketsAsync().ConfigureAwait(false);
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// Fan-out ({Transport}): {Listeners} listeners keep {retained / 1024.0 / 1024.0:F1} MB, {retained / Listeners:N0} bytes each (client and server, same process)"));
    }

    private async Task OpenStreamsAsync()
    {
        using var opened = new CountdownEvent(Listeners);
        for (var i = 0; i < Listeners; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/room/value.json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            _responses.Add(response);
            var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            var index = i;
            _readers.Add(Task.Run(() => ReadStreamAsync(body, index, opened)));
        }

        opened.Wait();
    }

    private async Task ReadStreamAsync(Stream body, int index, CountdownEvent opened)
    {
        var first = true;
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token).ConfigureAwait(false))
            {
                if (item.EventType != "put")
                {
                    continue;
                }

                if (first)
                {
                    first = false;
                    opened.Signal();
                    continue;
                }

                using var doc = JsonDocument.Parse(item.Data);
                OnValue(index, doc.RootElement.GetProperty("data").GetInt32());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    private async Task OpenSocketsAsync()
    {
        for (var i = 0; i < Listeners; i++)
        {
            var index = i;
            var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var client = await RealtimeBenchClient.ConnectAsync(
                _emulator.FirebaseUrl,
                onPush: body => OnValue(index, body.GetProperty("d").GetInt32()),
                onAnswer: _ => listening.TrySetResult()).ConfigureAwait(false);
            _sockets.Add(client);
            await client.SendAsync("q", """{"p":"/room/value","h":""}""").ConfigureAwait(false);
            await listening.Task.WaitAsync(RealtimeBenchClient.Wait).ConfigureAwait(false);
        }
    }

    private void OnValue(int index, int value)
    {
        if (value == Volatile.Read(ref _target))
        {
            _arrivals[index] = Stopwatch.GetTimestamp() - Volatile.Read(ref _writtenAt);
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _allReceived.TrySetResult();
            }
        }
    }

    private async Task PutAsync(int value)
    {
        using var content = new StringContent(value.ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync("/room/value.json", content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    [Benchmark]
    public async Task WriteUntilAllListenersReceive()
    {
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, Listeners);
        var target = Interlocked.Increment(ref _target);
        Volatile.Write(ref _writtenAt, Stopwatch.GetTimestamp());
        await PutAsync(target).ConfigureAwait(false);
        await _allReceived.Task.WaitAsync(RealtimeBenchClient.Wait).ConfigureAwait(false);
    }

    /// <summary>Per-listener arrival percentiles, measured here rather than by BenchmarkDotNet, which only sees the last.</summary>
    private Task SampleAsync() => ArrivalSampler.SampleAsync(
        $"Fan-out ({Transport}, {Listeners} listeners, {SampledWrites} writes)", SampledWrites, WriteUntilAllListenersReceive, () => _arrivals);

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    private async Task CleanupAsync()
    {
        // After the measured iterations, so that the code is jitted at its final tier and the setup's garbage is gone.
        await SampleAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var response in _responses)
        {
            response.Dispose();
        }

        await Task.WhenAll(_readers).ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            await socket.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
        await _emulator.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
