using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// The latency from a REST write to its arrival on every one of N open Server-Sent-Events streams listening at the written
/// location: one operation is a PUT plus the wait until the last stream has parsed the matching <c>put</c> event.
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class EmulatorFanOutBenchmarks
{
    private readonly List<HttpResponseMessage> _responses = [];
    private readonly List<Task> _readers = [];
    private readonly CancellationTokenSource _stop = new();
    private RealtimeEmulator _emulator = null!;
    private HttpClient _http = null!;
    private int _target;
    private int _remaining;
    private TaskCompletionSource _allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Params(1000)]
    public int Streams { get; set; }

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
        using (var seed = new StringContent("0", Encoding.UTF8, "application/json"))
        {
            (await _http.PutAsync("/room/value.json", seed).ConfigureAwait(false)).Dispose();
        }

        var opened = new CountdownEvent(Streams);
        for (var i = 0; i < Streams; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/room/value.json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            _responses.Add(response);
            var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
            _readers.Add(Task.Run(() => ReadAsync(body, opened)));
        }

        opened.Wait();
    }

    private async Task ReadAsync(Stream body, CountdownEvent opened)
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
                if (doc.RootElement.GetProperty("data").GetInt32() == Volatile.Read(ref _target) && Interlocked.Decrement(ref _remaining) == 0)
                {
                    _allReceived.TrySetResult();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        foreach (var response in _responses)
        {
            response.Dispose();
        }

        Task.WhenAll(_readers).GetAwaiter().GetResult();
        _http.Dispose();
        _emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stop.Dispose();
    }

    [Benchmark]
    public async Task WriteUntilAllStreamsReceive()
    {
        _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _remaining, Streams);
        var target = Interlocked.Increment(ref _target);
        using var content = new StringContent(target.ToString(CultureInfo.InvariantCulture), Encoding.UTF8, "application/json");
        using var response = await _http.PutAsync("/room/value.json", content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await _allReceived.Task.ConfigureAwait(false);
    }
}
