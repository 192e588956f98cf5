using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Benchmarks.Emulator;

/// <summary>
/// REST writes over loopback HTTP/1.1: one PUT of a small object per operation, from 1 or 16 concurrent clients. The
/// mean time per operation gives the write rate (writes/s = 1 s / mean).
/// </summary>
[ShortInProcessConfig]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet releases resources in [GlobalCleanup].")]
public class EmulatorWriteBenchmarks
{
    private const int WritesPerInvoke = 256;
    private RealtimeEmulator _emulator = null!;
    private HttpClient _http = null!;
    private int _counter;

    [Params(1, 16)]
    public int Clients { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _emulator = RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }).GetAwaiter().GetResult();
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = _emulator.FirebaseUrl };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = WritesPerInvoke)]
    public async Task Put()
    {
        var perClient = WritesPerInvoke / Clients;
        var workers = new Task[Clients];
        for (var c = 0; c < Clients; c++)
        {
            var client = c;
            workers[c] = Task.Run(async () =>
            {
                for (var i = 0; i < perClient; i++)
                {
                    var n = Interlocked.Increment(ref _counter);
                    using var content = new StringContent(
                        "{\"n\":" + n.ToString(CultureInfo.InvariantCulture) + ",\"text\":\"hello\"}", Encoding.UTF8, "application/json");
                    using var response = await _http.PutAsync("/bench/c" + client.ToString(CultureInfo.InvariantCulture) + ".json", content).ConfigureAwait(false);
                    response.EnsureSuccessStatusCode();
                }
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
    }
}
