using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RealtimeAdapters.Benchmarks.Ably;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;

namespace RealtimeAdapters.Benchmarks.Firebase;

/// <summary>
/// The Firebase provider (realtime transport) and the official Firebase web SDK side by side, on one in-process emulator
/// and the same workload, in alternating rounds: one watch of child-changed events over a list of N children, and
/// <c>--count</c> writes made directly on the emulator's database, each changing one child (a prime stride over the
/// list). Reports events applied per second from the first write to the last event, for each client and N.
/// Run: <c>dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --firebase-vs-js [--rounds 5] [--count 10000] [--children 100,10000,100000]</c>.
/// Needs <c>npm ci --prefix tests/interop</c>.
/// </summary>
internal static class FirebaseVsJsRunner
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = int.Parse(Option(args, "--rounds", "5"), CultureInfo.InvariantCulture);
        var count = int.Parse(Option(args, "--count", "10000"), CultureInfo.InvariantCulture);
        var sizes = Option(args, "--children", "100,10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var root = JsonLineProcess.RepositoryRoot();
        var interop = Path.Combine(root, "tests", "interop");
        if (!File.Exists(Path.Combine(interop, "node_modules", "firebase", "package.json")))
        {
            Console.Error.WriteLine($"The official Firebase SDK is not installed in {interop}/node_modules: run `npm ci --prefix tests/interop`.");
            return 2;
        }

        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } });
        Console.WriteLine($"writes per round: {count}; rounds: {rounds}; load: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine("| children | client | round | events/s |");
        Console.WriteLine("|---:|---|---:|---:|");
        foreach (var size in sizes)
        {
            // One namespace per client, each with the same list, so that neither client's events wait in the other's round.
            var (jsWrite, jsNs) = Prepare(emulator, "bench-js-" + size.ToString(CultureInfo.InvariantCulture), size, count);
            var (csWrite, csNs) = Prepare(emulator, "bench-cs-" + size.ToString(CultureInfo.InvariantCulture), size, count);
            await using var js = JsonLineProcess.Start("node", [Path.Combine(interop, "peer", "firebase-bench.mjs"), emulator.FirebaseUrl.Port.ToString(CultureInfo.InvariantCulture), jsNs, "list", count.ToString(CultureInfo.InvariantCulture)], interop);
            await js.ReadLineAsync(Wait);
            await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = emulator.FirebaseUrl, Namespace = csNs, UseEmulatorAdmin = true });
            await using var watch = await store.WatchAsync("list", new WatchOptions { Events = StoreEventKind.ChildChanged });
            await using var events = watch.GetAsyncEnumerator();

            for (var round = 1; round <= rounds; round++)
            {
                // The web SDK: the "go" line starts its clock, the writes follow at once.
                var reply = js.ReadLineAsync(Wait);
                await js.SendLineAsync("go");
                jsWrite();
                var jsRate = count / (JsonDocument.Parse(await reply).RootElement.GetProperty("ms").GetDouble() / 1000);

                var clock = Stopwatch.StartNew();
                csWrite();
                for (var i = 0; i < count; i++)
                {
                    await events.MoveNextAsync();
                }

                var csRate = count / clock.Elapsed.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} | web SDK | {round} | {jsRate:N0} |"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {size} | C# provider | {round} | {csRate:N0} |"));
            }
        }

        return 0;
    }

    /// <summary>A namespace holding a list of <paramref name="size"/> children, and the round's writes on it.</summary>
    private static (Action Write, string Namespace) Prepare(RealtimeEmulator emulator, string ns, int size, int count)
    {
        var database = emulator.GetFirebaseDatabase(ns);
        var paths = Enumerable.Range(0, size).Select(i => RealtimePath.Parse("list/c" + i.ToString("D6", CultureInfo.InvariantCulture))).ToArray();
        database.Set("list", DataNode.FromChildren(paths.Select(p => new KeyValuePair<string, DataNode>(p.Key!, DataNode.FromNumber(0L)))));
        long counter = 0;
        return (() =>
        {
            for (var i = 0; i < count; i++)
            {
                counter++;
                database.Set(paths[(int)(counter * 7919 % size)], DataNode.FromNumber(counter));
            }
        }, ns);
    }

    private static string Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
