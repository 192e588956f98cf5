using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RealtimeAdapters.Benchmarks.Ably;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// The Firebase provider (realtime transport) and the official Firebase web SDK side by side, on one emulator (in this
/// process, for its benchmark hook) and the same workload, in alternating rounds. Each client runs in its own process
/// (the C# one is this program with <c>--firebase-bench-client</c>, <see cref="FirebaseBenchClient"/>), so neither shares
/// a heap or a collector with the emulator, and watches child-changed events of a list of N children in its own namespace
/// (the same list in both).
/// <para>
/// <b>Events applied per second.</b> The emulator is told to keep the client's outbound messages
/// (<see cref="RealtimeEmulator.HoldFirebaseOutbound"/>); the runner makes <c>--count</c> writes directly on the
/// namespace's database (one child each, a prime stride over the list), which the emulator encodes and keeps; then it
/// waits until the emulator has encoded them all, releases them and times from the release to the client's last event. Both clients thus get identical, already encoded
/// pushes as fast as the socket carries them: the time is the client's receive path (frame, parse, cache, event), not
/// the emulator producing the pushes one write at a time. The emulator's own time to hand the held messages to the socket
/// is printed beside it, to show it is not the bottleneck.
/// </para>
/// <para>
/// <b>Write round trip.</b> <c>--rtt</c> awaited sets of a number, one after the other, on each client (C#:
/// <see cref="FirebaseRealtimeStore.SetAsync"/>; JS: <c>set()</c>): p50 / p99 / mean.
/// </para>
/// <para>
/// <b>Memory per watch.</b> A second store (its own connection, already connected) watches the list; heap in use after
/// a full collection, before the watch and once its initial value arrived, in each client's own process; the JS figure is the V8 heap of the SDK's process (run with
/// <c>--expose-gc</c>), its watch an <c>onValue</c> (the SDK keeps one view per location, whatever the event types).
/// </para>
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --firebase-vs-js [--rounds 5] [--warmup 10] [--count 10000] [--children 100,10000,100000] [--rtt 2000]</c>.
/// Needs <c>npm ci --prefix tests/interop</c>.
/// </summary>
internal static class FirebaseVsJsRunner
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = RunnerOptions.Int(args, "--rounds", 5);
        // Warm-up rounds per size: both clients are new processes for each size, and under load .NET's tiered compilation
        // takes several rounds to reach its optimised code (a run with 2 measured the C# client 3× slower in its first rounds).
        var warmup = RunnerOptions.Int(args, "--warmup", 10);
        var count = RunnerOptions.Int(args, "--count", 10_000);
        var rttCount = RunnerOptions.Int(args, "--rtt", 2_000);
        var sizes = Option(args, "--children", "100,10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var root = JsonLineProcess.RepositoryRoot();
        var interop = Path.Combine(root, "tests", "interop");
        if (!File.Exists(Path.Combine(interop, "node_modules", "firebase", "package.json")))
        {
            Console.Error.WriteLine($"The official Firebase SDK is not installed in {interop}/node_modules: run `npm ci --prefix tests/interop`.");
            return 2;
        }

        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } });
        Console.WriteLine($"writes per round: {count}; rounds: {rounds} after {warmup} warm-up rounds per size; round trips: {rttCount}; load: {File.ReadAllText("/proc/loadavg").Trim()}");
        var summary = new List<string>();
        foreach (var size in sizes)
        {
            Console.WriteLine();
            Console.WriteLine($"## {size} children");
            Console.WriteLine("| round | web SDK events/s | C# events/s | C# / SDK | emulator send, SDK / C# (ms) | C# allocated per event | C# process's collections during its round (pause) |");
            Console.WriteLine("|---:|---:|---:|---:|---|---:|---:|");

            // One namespace per client, each with the same list, so that neither client's events wait in the other's round.
            var jsNs = "bench-js-" + size.ToString(CultureInfo.InvariantCulture);
            var csNs = "bench-cs-" + size.ToString(CultureInfo.InvariantCulture);
            var jsWrite = Prepare(emulator, jsNs, size, count);
            var csWrite = Prepare(emulator, csNs, size, count);
            await using var js = JsonLineProcess.Start(
                "node", ["--expose-gc", Path.Combine(interop, "peer", "firebase-bench.mjs"), emulator.FirebaseUrl.Port.ToString(CultureInfo.InvariantCulture), jsNs, "list"], interop);
            await js.ReadLineAsync(Wait);
            // The C# provider in its own process too (the same line protocol), so neither client shares the emulator's heap.
            await using var cs = JsonLineProcess.Start(
                "dotnet", [typeof(FirebaseVsJsRunner).Assembly.Location, "--firebase-bench-client", emulator.FirebaseUrl.Port.ToString(CultureInfo.InvariantCulture), csNs, "list"]);
            await cs.ReadLineAsync(Wait);

            var jsRates = new List<double>();
            var csRates = new List<double>();
            // Warm-up rounds (not reported) first: both runtimes compile their hot paths while they run.
            for (var round = 1 - warmup; round <= rounds; round++)
            {
                // The web SDK: armed for the round's events, then its pushes are produced, held, and released at once.
                var armed = await js.SendAsync("arm " + count.ToString(CultureInfo.InvariantCulture), Wait);
                var hold = emulator.HoldFirebaseOutbound(jsNs);
                jsWrite();
                Check(await hold.EncodedAsync(), count, "web SDK");
                var result = js.ReadLineAsync(Wait);
                var releasedAt = FirebaseBenchClient.WallClockMs();
                var sending = Stopwatch.StartNew();
                var sent = await hold.ReleaseAsync();
                var jsSendMs = sending.Elapsed.TotalMilliseconds;
                var reply = JsonDocument.Parse(await result).RootElement;
                var jsRate = count / ((reply.GetProperty("last").GetDouble() - releasedAt) / 1000);
                Check(sent, count, "web SDK");

                // The C# provider, the same way.
                await cs.SendAsync("arm " + count.ToString(CultureInfo.InvariantCulture), Wait);
                hold = emulator.HoldFirebaseOutbound(csNs);
                csWrite();
                Check(await hold.EncodedAsync(), count, "C# provider");
                var csResult = cs.ReadLineAsync(Wait);
                var csReleasedAt = FirebaseBenchClient.WallClockMs();
                var csSending = Stopwatch.StartNew();
                var csCount = await hold.ReleaseAsync();
                var csSendMs = csSending.Elapsed.TotalMilliseconds;
                var csReply = JsonDocument.Parse(await csResult).RootElement;
                var csRate = count / ((csReply.GetProperty("last").GetDouble() - csReleasedAt) / 1000);
                var perEvent = csReply.GetProperty("allocatedPerEvent").GetDouble();

                // The C# process's own collections during its round.
                var gc = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{csReply.GetProperty("collections").GetInt32()} ({csReply.GetProperty("gen1").GetInt32()} gen1+), {csReply.GetProperty("pauseMs").GetDouble():F1} ms");
                Check(csCount, count, "C# provider");
                if (round < 1)
                {
                    continue;
                }

                jsRates.Add(jsRate);
                csRates.Add(csRate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {jsRate:N0} | {csRate:N0} | {csRate / jsRate:F2}× | {jsSendMs:F1} / {csSendMs:F1} | {perEvent:N0} B | {gc} |"));
            }

            // Write round trips: awaited sets, one after the other (a short warm-up first on both).
            await js.SendAsync("rtt 200", Wait);
            var jsSamples = (await js.SendAsync("rtt " + rttCount.ToString(CultureInfo.InvariantCulture), Wait)).GetProperty("samples").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            await cs.SendAsync("rtt 200", Wait);
            var csSamples = (await cs.SendAsync("rtt " + rttCount.ToString(CultureInfo.InvariantCulture), Wait)).GetProperty("samples").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"write round trip (ms), web SDK: {Percentiles(jsSamples)}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"write round trip (ms), C#:      {Percentiles(csSamples)}"));

            // Memory per watch of the list.
            var jsMemory = await js.SendAsync("mem", Wait);
            var csBytes = (long)(await cs.SendAsync("mem", Wait)).GetProperty("bytes").GetDouble();
            var jsBytes = jsMemory.GetProperty("bytes").GetDouble();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory per watch: web SDK {jsBytes / 1024:N0} KB ({jsBytes / size:F0} B per child{(jsMemory.GetProperty("gc").GetBoolean() ? "" : ", no gc")}), C# {csBytes / 1024:N0} KB ({csBytes / (double)size:F0} B per child)"));

            var jsBest = jsRates.Max();
            var csBest = csRates.Max();
            summary.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {size:N0} | {Median(jsRates):N0} | {Median(csRates):N0} | {Median(csRates) / Median(jsRates):F2}× | {csBest / jsBest:F2}× | {Percentiles(jsSamples, brief: true)} | {Percentiles(csSamples, brief: true)} | {jsBytes / 1024:N0} KB | {csBytes / 1024:N0} KB |"));
        }

        Console.WriteLine();
        Console.WriteLine($"load at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| children | SDK events/s (median) | C# events/s (median) | C# / SDK (medians) | C# / SDK (best rounds) | SDK write p50 / p99 (ms) | C# write p50 / p99 (ms) | SDK memory per watch | C# memory per watch |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---|---|---:|---:|");
        foreach (var line in summary)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static void Check(int sent, int count, string who)
    {
        if (sent < count)
        {
            throw new InvalidOperationException($"{who}: the emulator released {sent} messages, fewer than the {count} writes.");
        }

        if (sent > count)
        {
            Console.WriteLine($"({who}: {sent - count} other messages were held with the pushes)");
        }
    }

    private static string Percentiles(double[] samples, bool brief = false)
    {
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return brief
            ? string.Create(CultureInfo.InvariantCulture, $"{At(0.50):F3} / {At(0.99):F3}")
            : string.Create(CultureInfo.InvariantCulture, $"p50 {At(0.50):F3}, p90 {At(0.90):F3}, p99 {At(0.99):F3}, max {sorted[^1]:F3}, mean {samples.Average():F3} ({samples.Length} samples)");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A namespace holding a list of <paramref name="size"/> children, and the round's writes on it.</summary>
    private static Action Prepare(RealtimeEmulator emulator, string ns, int size, int count)
    {
        var database = emulator.GetFirebaseDatabase(ns);
        var paths = Enumerable.Range(0, size).Select(i => RealtimePath.Parse("list/c" + i.ToString("D6", CultureInfo.InvariantCulture))).ToArray();
        database.Set("list", DataNode.FromChildren(paths.Select(p => new KeyValuePair<string, DataNode>(p.Key!, DataNode.FromNumber(0L)))));
        long counter = 0;
        return () =>
        {
            for (var i = 0; i < count; i++)
            {
                counter++;
                database.Set(paths[(int)(counter * 7919 % size)], DataNode.FromNumber(counter));
            }
        };
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
