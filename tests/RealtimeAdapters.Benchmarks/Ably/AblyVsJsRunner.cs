using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Benchmarks.Ably;

/// <summary>
/// <c>--ably-vs-js</c>: the C# provider and ably-js run the same publish → receive workload (<see cref="AblyProviderWorkload"/>,
/// tests/interop/peer/bench.mjs) against one emulator process, alternately for several rounds after one warm-up round
/// each, and a markdown table compares throughput and latency percentiles. The emulator runs in its own process (the
/// Emulator program from this program's output directory), so neither client shares a process with the server;
/// <c>--emulator-env NAME=VALUE</c> sets its environment only (GC experiments for the tail latency analysis). Each round
/// also reports the emulator's garbage collections during it and the time they paused the emulator (its <c>/metrics</c>
/// scraped before and after the round), so a tail can be put beside the server's pauses that both clients share.
/// </summary>
internal static class AblyVsJsRunner
{
    private const string Key = "bench.vs:bench-secret";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = Option(args, "--rounds", 7);
        var count = Option(args, "--count", 10_000);
        var size = Option(args, "--size", 100);
        var window = Option(args, "--window", 100);
        var warmup = Option(args, "--warmup", 3);
        var formats = OptionText(args, "--formats", "json,msgpack").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var (node, script) = JsonLineProcess.LocateNode("bench.mjs");
        var emulatorDll = Path.Combine(AppContext.BaseDirectory, "RealtimeAdapters.Emulator.dll");
        // --emulator-env NAME=VALUE (repeatable) sets the emulator process's environment only, e.g. its GC settings.
        var emulatorEnv = args.Select((a, i) => (a, i)).Where(p => p.a == "--emulator-env" && p.i + 1 < args.Length)
            .Select(p => args[p.i + 1].Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], kv.Length > 1 ? kv[1] : string.Empty)).ToList();
        await using var emulator = JsonLineProcess.Start("dotnet", [emulatorDll, "--ably-port", "0", "--ably-key", Key], environment: emulatorEnv);
        var ready = await emulator.ReadLineAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        var url = new Uri(ready.Split(' ')[3]);
        Console.Error.WriteLine($"emulator: {ready}");

        using var scraper = new HttpClient();
        var metrics = new Uri(url, "metrics");

        // The emulator's collections (all generations) and pause time so far.
        async Task<(long Collections, long Gen1, double PauseMs)> EmulatorGcAsync()
        {
            var text = await scraper.GetStringAsync(metrics).ConfigureAwait(false);
            double Read(string series) => text.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture)).Single();
            return ((long)Read("realtime_emulator_gc_collections_total{gc_heap_generation=\"gen0\"}"),
                (long)Read("realtime_emulator_gc_collections_total{gc_heap_generation=\"gen1\"}"),
                Read("realtime_emulator_gc_pause_time_seconds_total") * 1000);
        }

        async Task<(WorkloadResult Result, string EmulatorGc, double PauseMs)> MeasureAsync(Func<Task<WorkloadResult>> run)
        {
            var before = await EmulatorGcAsync().ConfigureAwait(false);
            var result = await run().ConfigureAwait(false);
            var after = await EmulatorGcAsync().ConfigureAwait(false);
            var pause = after.PauseMs - before.PauseMs;
            return (result, string.Create(CultureInfo.InvariantCulture, $"{after.Collections - before.Collections} ({after.Gen1 - before.Gen1} gen1+), {pause:N1} ms"), pause);
        }

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Workload: {count:N0} messages of {size} bytes per round, one publisher and one subscriber connection, at most {window} publishes awaiting ACK; {rounds} rounds after {warmup} warm-up round(s) per client; emulator {url}.");
        report.AppendLine();
        var summary = new StringBuilder();
        summary.AppendLine("| format | client | messages/s | p50 | p90 | p99 | max | client CPU/message | throughput C#/ably-js (median of per-round ratios) | p99 C#/ably-js | CPU/message C#/ably-js |");
        summary.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var format in formats)
        {
            var binary = format switch
            {
                "json" => false,
                "msgpack" => true,
                _ => throw new ArgumentException($"--formats takes json and/or msgpack, not {format}."),
            };
            var channel = $"bench:vs-js-{format}";
            await using var csharp = await AblyProviderWorkload.StartAsync(url, Key, binary, channel + "-cs", size, window).ConfigureAwait(false);
            await using var js = JsonLineProcess.Start(node, [script, url.Port.ToString(CultureInfo.InvariantCulture), Key, format,
                count.ToString(CultureInfo.InvariantCulture), size.ToString(CultureInfo.InvariantCulture), window.ToString(CultureInfo.InvariantCulture)],
                Path.GetDirectoryName(script));
            await js.ReadLineAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            await js.SendAsync(JsonSerializer.Serialize(new { op = "prepare", channel = channel + "-js" }), Wait).ConfigureAwait(false);

            async Task<WorkloadResult> RunJsAsync() =>
                WorkloadResult.FromJson((await js.SendAsync("""{"op":"run"}""", Wait).ConfigureAwait(false)).GetProperty("result"));

            // Warm-up rounds (not reported) let both runtimes reach their optimised code (.NET tiered JIT with PGO, V8's TurboFan).
            for (var i = 0; i < warmup; i++)
            {
                await csharp.RunAsync(count).ConfigureAwait(false);
                await RunJsAsync().ConfigureAwait(false);
            }

            var csharpResults = new List<WorkloadResult>();
            var jsResults = new List<WorkloadResult>();
            report.AppendLine(CultureInfo.InvariantCulture, $"### {format}");
            report.AppendLine();
            report.AppendLine("| round | client | messages/s | p50 | p90 | p99 | max | client CPU/message | emulator GCs during the round (pause) |");
            report.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
            var above = new List<string>();
            for (var round = 1; round <= rounds; round++)
            {
                // Alternate which client goes first, so neither always runs on the heels of the other.
                (WorkloadResult Result, string EmulatorGc, double PauseMs) ma, mb;
                if (round % 2 == 1)
                {
                    ma = await MeasureAsync(() => csharp.RunAsync(count)).ConfigureAwait(false);
                    mb = await MeasureAsync(RunJsAsync).ConfigureAwait(false);
                }
                else
                {
                    mb = await MeasureAsync(RunJsAsync).ConfigureAwait(false);
                    ma = await MeasureAsync(() => csharp.RunAsync(count)).ConfigureAwait(false);
                }

                var (a, b) = (ma.Result, mb.Result);
                csharpResults.Add(a);
                jsResults.Add(b);
                report.AppendLine(Row(round.ToString(CultureInfo.InvariantCulture), "C#", a, ma.EmulatorGc));
                report.AppendLine(Row(round.ToString(CultureInfo.InvariantCulture), "ably-js", b, mb.EmulatorGc));
                if (a.P99Us > b.P99Us)
                {
                    above.Add(string.Create(CultureInfo.InvariantCulture, $"round {round} (emulator paused {ma.PauseMs:N1} ms in C#'s round, {mb.PauseMs:N1} ms in ably-js's)"));
                }
                Console.Error.WriteLine($"{format} round {round}: C# {a.PerSecond:N0}/s p99 {a.P99Us:N0} µs {a.CpuUsPerMessage:N1} µs CPU/msg; ably-js {b.PerSecond:N0}/s p99 {b.P99Us:N0} µs {b.CpuUsPerMessage:N1} µs CPU/msg");
                Console.Error.WriteLine($"{format} round {round}: C# {csharp.LastDiagnostics}");
            }

            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"C# p99 above ably-js's in {above.Count} of {rounds} rounds{(above.Count > 0 ? ": " + string.Join("; ", above) : string.Empty)}.");
            report.AppendLine();
            var cs = Median(csharpResults);
            var jsMedian = Median(jsResults);
            // Each round pairs the two clients back to back, so the median of the per-round ratios is less exposed to
            // load that drifts over the run than the ratio of the two medians.
            var throughputRatio = MedianOf(csharpResults.Zip(jsResults, (c, j) => c.PerSecond / j.PerSecond));
            var p99Ratio = MedianOf(csharpResults.Zip(jsResults, (c, j) => c.P99Us / j.P99Us));
            var cpuRatio = MedianOf(csharpResults.Zip(jsResults, (c, j) => c.CpuUsPerMessage / j.CpuUsPerMessage));
            summary.AppendLine(CultureInfo.InvariantCulture,
                $"| {format} | C# | {cs.PerSecond:N0} | {Us(cs.P50Us)} | {Us(cs.P90Us)} | {Us(cs.P99Us)} | {Us(cs.MaxUs)} | {cs.CpuUsPerMessage:N1} µs | **{throughputRatio:0.00}×** | **{p99Ratio:0.00}×** | **{cpuRatio:0.00}×** |");
            summary.AppendLine(CultureInfo.InvariantCulture,
                $"| {format} | ably-js | {jsMedian.PerSecond:N0} | {Us(jsMedian.P50Us)} | {Us(jsMedian.P90Us)} | {Us(jsMedian.P99Us)} | {Us(jsMedian.MaxUs)} | {jsMedian.CpuUsPerMessage:N1} µs | | | |");
        }

        Console.WriteLine(report.ToString());
        Console.WriteLine("Medians over the rounds (latency publish → receive, one clock per process):");
        Console.WriteLine();
        Console.WriteLine(summary.ToString());
        return 0;
    }

    private static string Row(string round, string client, WorkloadResult r, string emulatorGc) =>
        string.Create(CultureInfo.InvariantCulture, $"| {round} | {client} | {r.PerSecond:N0} | {Us(r.P50Us)} | {Us(r.P90Us)} | {Us(r.P99Us)} | {Us(r.MaxUs)} | {r.CpuUsPerMessage:N1} µs | {emulatorGc} |");

    private static string Us(double us) => us >= 10_000
        ? string.Create(CultureInfo.InvariantCulture, $"{us / 1000:N1} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{us / 1000:N2} ms");

    /// <summary>The per-metric median over the rounds.</summary>
    private static WorkloadResult Median(List<WorkloadResult> results)
    {
        double M(Func<WorkloadResult, double> metric) => MedianOf(results.Select(metric));
        return new(results[0].Messages, M(r => r.ElapsedMs), M(r => r.PerSecond), M(r => r.P50Us), M(r => r.P90Us), M(r => r.P99Us), M(r => r.MaxUs), M(r => r.CpuUsPerMessage));
    }

    private static double MedianOf(IEnumerable<double> source)
    {
        var values = source.Order().ToArray();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var text = OptionText(args, name, null);
        return text is null ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
            : throw new ArgumentException($"{name} needs a positive whole number, not '{text}'.");
    }

    private static string OptionText(string[] args, string name, string? fallback)
    {
        var i = Array.IndexOf(args, name);
        return i < 0 ? fallback! : i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{name} needs a value.");
    }
}
