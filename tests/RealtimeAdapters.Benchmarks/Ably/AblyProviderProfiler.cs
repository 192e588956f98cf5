using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// <c>--ably-profile</c>: where the C# provider's CPU time goes in the <see cref="AblyProviderWorkload"/>. The emulator runs
/// in its own process, so every sample in this one belongs to the two clients. An EventPipe session on this process
/// (the runtime's sample profiler, one sample per thread per millisecond) records the measured rounds; the samples of
/// threads that were running managed or native code (not parked in a wait) are then attributed to methods: exclusive
/// (the top frame) and inclusive (anywhere on the stack), and grouped by area (codec, transport, subscription, ...).
/// </summary>
internal static class AblyProviderProfiler
{
    private const string Key = "bench.profile:bench-secret";

    public static async Task<int> RunAsync(string[] args)
    {
        var format = args.Contains("msgpack") ? "msgpack" : "json";
        var rounds = args.Contains("--rounds") ? int.Parse(args[Array.IndexOf(args, "--rounds") + 1], CultureInfo.InvariantCulture) : 5;
        var window = args.Contains("--window") ? int.Parse(args[Array.IndexOf(args, "--window") + 1], CultureInfo.InvariantCulture) : 100;
        var count = window == 1 ? 2_000 : 10_000;

        var emulatorDll = Path.Combine(AppContext.BaseDirectory, "RealtimeAdapters.Emulator.dll");
        await using var emulator = JsonLineProcess.Start("dotnet", [emulatorDll, "--ably-port", "0", "--ably-key", Key]);
        var url = new Uri((await emulator.ReadLineAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false)).Split(' ')[3]);
        await using var workload = await AblyProviderWorkload.StartAsync(url, Key, format == "msgpack", "bench:profile", window: window).ConfigureAwait(false);
        for (var i = 0; i < 3; i++)
        {
            await workload.RunAsync(count).ConfigureAwait(false);
        }

        var trace = Path.Combine(Path.GetTempPath(), $"ably-provider-{format}-{Environment.ProcessId}.nettrace");
        var providers = new[]
        {
            new EventPipeProvider("Microsoft-DotNETCore-SampleProfiler", EventLevel.Informational),
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose,
                (long)(ClrTraceEventParser.Keywords.Jit | ClrTraceEventParser.Keywords.Loader | ClrTraceEventParser.Keywords.GC)),
        };
        var results = new List<WorkloadResult>();
        using (var session = new DiagnosticsClient(Environment.ProcessId).StartEventPipeSession(providers, requestRundown: true))
        {
            await using (var file = File.Create(trace))
            {
                var copy = session.EventStream.CopyToAsync(file);
                for (var i = 0; i < rounds; i++)
                {
                    results.Add(await workload.RunAsync(count).ConfigureAwait(false));
                }

                await session.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await copy.ConfigureAwait(false);
            }
        }

        Console.WriteLine($"format {format}, window {window}: {rounds} rounds of {count:N0}, {string.Join(", ", results.Select(r => r.PerSecond.ToString("N0", CultureInfo.InvariantCulture)))} messages/s; trace {trace}");
        Analyse(trace, rounds * count);
        return 0;
    }

    private static void Analyse(string trace, int messages)
    {
        var etlx = TraceLog.CreateFromEventPipeDataFile(trace);
        using var log = new TraceLog(etlx);
        var exclusive = new Dictionary<string, int>();
        var inclusive = new Dictionary<string, int>();
        var areas = new Dictionary<string, int>();
        var states = new Dictionary<string, int>();
        var contention = new Dictionary<string, int>();
        var busy = 0;
        var total = 0;
        var gcs = 0;
        foreach (var e in log.Events)
        {
            if (e.ProviderName == "Microsoft-Windows-DotNETRuntime" && e.EventName == "GC/Start")
            {
                gcs++;
                continue;
            }

            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler" || e.CallStack() is not { } stack)
            {
                continue;
            }

            total++;
            var frames = new List<string>();
            for (var frame = stack; frame is not null; frame = frame.Caller)
            {
                var method = frame.CodeAddress.FullMethodName;
                frames.Add(string.IsNullOrEmpty(method) ? "?!" + frame.CodeAddress.ModuleName : method);
            }

            if (frames.Count == 0)
            {
                continue;
            }

            var state = State(frames);
            Add(states, state);
            if (state == "lock contention")
            {
                Add(contention, frames.FirstOrDefault(f => f.StartsWith("RealtimeAdapters", StringComparison.Ordinal)) ?? frames[Math.Min(2, frames.Count - 1)]);
            }

            if (state != "running managed code")
            {
                continue;
            }

            busy++;
            Add(exclusive, frames[0]);
            foreach (var method in frames.Distinct())
            {
                Add(inclusive, method);
            }

            Add(areas, Area(frames));
        }

        Print("Thread samples by state (idle pool threads park in LowLevelLifoSemaphore; spinning burns CPU before parking)", states, total, 10);
        Print("Lock contention, by the first RealtimeAdapters frame", contention, Math.Max(1, states.GetValueOrDefault("lock contention")), 10);
        Console.WriteLine();
        Console.WriteLine($"{total:N0} thread samples, {busy:N0} running managed code = about {busy / (double)messages * 1000:0.##} µs of it per message; {gcs} GCs in {messages:N0} messages");
        Print("Areas (each running sample counted once, by the innermost frame that names an area)", areas, busy, 20);
        Print("Exclusive (top frame)", exclusive, busy, 30);
        Print("Inclusive, RealtimeAdapters and System.Net/Text.Json/Threading frames", inclusive.Where(p => p.Key.StartsWith("RealtimeAdapters", StringComparison.Ordinal) ||
            p.Key.StartsWith("System.Net", StringComparison.Ordinal) || p.Key.StartsWith("System.Text.Json", StringComparison.Ordinal)).ToDictionary(), busy, 40);
    }

    private static string State(List<string> frames)
    {
        var top = frames[0];
        return top switch
        {
            _ when top.StartsWith("System.Threading.LowLevelLifoSemaphore.Wait", StringComparison.Ordinal) ||
                top.StartsWith("System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart", StringComparison.Ordinal) ||
                top.StartsWith("System.Threading.WaitHandle.Wait", StringComparison.Ordinal) || top.StartsWith("System.Threading.Monitor.Wait", StringComparison.Ordinal) ||
                top.StartsWith("System.Threading.LowLevelMonitor.Wait", StringComparison.Ordinal) || top.StartsWith("System.Threading.Thread.Sleep", StringComparison.Ordinal) ||
                frames.Any(f => f.StartsWith("System.Net.Sockets.SocketAsyncEngine.EventLoop", StringComparison.Ordinal) ||
                    f.StartsWith("System.Threading.TimerQueue.TimerThread", StringComparison.Ordinal) || f.StartsWith("System.GC.RunFinalizers", StringComparison.Ordinal) ||
                    f.StartsWith("Microsoft.Diagnostics", StringComparison.Ordinal) || f.StartsWith("System.Diagnostics.Tracing", StringComparison.Ordinal) ||
                    f.StartsWith("System.Diagnostics.Process", StringComparison.Ordinal) || f.StartsWith("System.Threading.PortableThreadPool+GateThread", StringComparison.Ordinal)) => "idle / waiting",
            _ when top.StartsWith("System.Threading.LowLevelSpinWaiter", StringComparison.Ordinal) => "thread pool spinning",
            _ when top.Contains("PollGC", StringComparison.Ordinal) => "suspended for GC",
            _ when top.StartsWith("System.Threading.Monitor.Enter_Slowpath", StringComparison.Ordinal) || top.StartsWith("System.Threading.Lock.TryEnterSlow", StringComparison.Ordinal) ||
                top.StartsWith("System.Threading.Lock.Enter", StringComparison.Ordinal) => "lock contention",
            _ when top.StartsWith("?!", StringComparison.Ordinal) => "native code (syscalls, runtime)",
            _ => "running managed code",
        };
    }

    private static string Area(List<string> frames)
    {
        foreach (var f in frames)
        {
            var area = f switch
            {
                _ when f.StartsWith("RealtimeAdapters.Ably.Protocol.JsonWire", StringComparison.Ordinal) => "Ably codec: JsonWire",
                _ when f.StartsWith("RealtimeAdapters.Ably.Protocol.MsgPackWire", StringComparison.Ordinal) => "Ably codec: MsgPackWire",
                _ when f.StartsWith("RealtimeAdapters.Ably.Protocol.PayloadEncoder", StringComparison.Ordinal) => "Ably payload encoding",
                _ when f.StartsWith("RealtimeAdapters.Ably.Protocol.MessageMapper", StringComparison.Ordinal) => "Ably message mapping",
                _ when f.StartsWith("RealtimeAdapters.Ably.Protocol", StringComparison.Ordinal) => "Ably protocol (other)",
                _ when f.StartsWith("RealtimeAdapters.Ably.Realtime.AblyTransportSession", StringComparison.Ordinal) => "Ably transport session (own code)",
                _ when f.StartsWith("RealtimeAdapters.Ably.Realtime.AblyChannel", StringComparison.Ordinal) => "Ably channel (publish/dispatch)",
                _ when f.StartsWith("RealtimeAdapters.Ably.Realtime.AblyRealtimeConnection", StringComparison.Ordinal) => "Ably connection (ACK/dispatch)",
                _ when f.StartsWith("RealtimeAdapters.Ably", StringComparison.Ordinal) => "Ably (other)",
                _ when f.StartsWith("RealtimeAdapters.RealtimeSubscription", StringComparison.Ordinal) => "RealtimeSubscription",
                _ when f.StartsWith("RealtimeAdapters.Benchmarks", StringComparison.Ordinal) => "benchmark workload",
                _ when f.StartsWith("System.Net.WebSockets", StringComparison.Ordinal) => "WebSocket",
                _ when f.StartsWith("System.Net.Sockets", StringComparison.Ordinal) => "sockets",
                _ when f.StartsWith("System.Threading.Channels", StringComparison.Ordinal) => "System.Threading.Channels",
                _ when f.StartsWith("System.Threading.TimerQueue", StringComparison.Ordinal) || f.StartsWith("System.Threading.TimerQueueTimer", StringComparison.Ordinal) => "timers",
                _ when f.StartsWith("System.GC", StringComparison.Ordinal) || f.Contains("gc_heap", StringComparison.Ordinal) => "GC",
                _ => null,
            };
            if (area is not null)
            {
                return area;
            }
        }

        return frames.Any(f => f.StartsWith("System.Threading", StringComparison.Ordinal)) ? "thread pool / tasks" : "other (" + frames[0] + ")";
    }

    private static void Add(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static void Print(string title, Dictionary<string, int> counts, int busy, int top)
    {
        Console.WriteLine();
        Console.WriteLine($"{title}:");
        foreach (var (name, n) in counts.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n * 100.0 / busy,5:0.0}%  {name}"));
        }
    }
}
