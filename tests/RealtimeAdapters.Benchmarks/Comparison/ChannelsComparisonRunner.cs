using System.Diagnostics;
using System.Globalization;
using RealtimeAdapters.Ably;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;

namespace RealtimeAdapters.Benchmarks.Comparison;

/// <summary>
/// The same channel workloads on Firebase (channels over database paths, <see cref="FirebaseChannelClient"/>) and Ably
/// (<see cref="AblyChannelClient"/>, JSON and msgpack), against one in-process emulator, rounds alternating between the
/// backends: (1) one publisher (echo off) and one subscriber, <c>count</c> messages of <c>size</c> characters with at most
/// <c>window</c> publishes awaiting acknowledgement: throughput and publish-to-receive latency p50/p99; (2) fan-out: one
/// publisher and <c>subscribers</c> subscriber clients (one connection each), <c>fanout-messages</c> publishes one at a
/// time: per-receiver arrival p50/p99 and the last arrival. Latency is measured in one process on one clock.
/// Run: dotnet run -c Release --project tests/RealtimeAdapters.Benchmarks -- --channels-firebase-vs-ably [--rounds 3]
/// [--count 2000] [--size 100] [--window 100] [--subscribers 1000] [--fanout-messages 20]
/// </summary>
internal static class ChannelsComparisonRunner
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args)
    {
        int Arg(string name, int fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }

        var rounds = Arg("rounds", 3);
        var count = Arg("count", 2000);
        var size = Arg("size", 100);
        var window = Arg("window", 100);
        var subscribers = Arg("subscribers", 1000);
        var fanoutMessages = Arg("fanout-messages", 20);
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } });
        var backends = new (string Name, Func<bool, IChannelClient> Create)[]
        {
            ("Firebase (realtime)", echo => new FirebaseChannelClient(new FirebaseChannelOptions
            {
                EchoMessages = echo,
                TrimEvery = 0,
                Database = new FirebaseStoreOptions { DatabaseUrl = emulator.FirebaseUrl, Namespace = "bench", UseEmulatorAdmin = true },
            })),
            ("Ably (JSON)", echo => new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = emulator.AblyKeys[0], EchoMessages = echo })),
            ("Ably (msgpack)", echo => new AblyChannelClient(new AblyChannelClientOptions { Endpoint = emulator.AblyUrl, Key = emulator.AblyKeys[0], EchoMessages = echo, UseBinaryProtocol = true })),
        };

        Console.WriteLine($"// channels, Firebase vs Ably, one emulator; {rounds} rounds; {Environment.ProcessorCount} cores; load {Load()}");
        var results = backends.ToDictionary(static b => b.Name, static _ => new List<(double Rate, double P50, double P99)>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, create) in round % 2 == 0 ? backends : backends.Reverse())
            {
                var r = await ThroughputAsync(create, $"tp-{round}-{results[name].Count}-{name.GetHashCode(StringComparison.Ordinal):x}", count, size, window);
                results[name].Add(r);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// round {round} {name}: {r.Rate:F0} msg/s, latency p50 {r.P50:F2} ms, p99 {r.P99:F2} ms"));
            }
        }

        foreach (var (name, list) in results)
        {
            var rates = list.Select(static r => r.Rate).Order().ToList();
            var p50 = list.Select(static r => r.P50).Order().ToList();
            var p99 = list.Select(static r => r.P99).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: throughput median {rates[rates.Count / 2]:F0} msg/s; latency p50 median {p50[p50.Count / 2]:F2} ms; p99 median {p99[p99.Count / 2]:F2} ms"));
        }

        foreach (var (name, create) in backends)
        {
            await FanOutAsync(name, create, subscribers, fanoutMessages);
        }

        Console.WriteLine($"// load after: {Load()}");
        return 0;
    }

    private static async Task<(double Rate, double P50, double P99)> ThroughputAsync(Func<bool, IChannelClient> create, string channelName, int count, int size, int window)
    {
        await using var publisher = create(false);
        await using var subscriber = create(true);
        var channel = publisher.GetChannel(channelName);
        await using var subscription = await subscriber.GetChannel(channelName)
            .SubscribeAsync(new ChannelSubscriptionOptions { Buffer = new SubscriptionBufferOptions { Capacity = null } }).AsTask().WaitAsync(Wait);
        var latencies = new double[count];
        var received = 0;
        var reader = Task.Run(async () =>
        {
            await foreach (var m in subscription)
            {
                var text = m.Data.AsString();
                var sent = long.Parse(text.AsSpan(0, text.IndexOf('|', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
                latencies[received] = (Stopwatch.GetTimestamp() - sent) * 1000.0 / Stopwatch.Frequency;
                if (++received == count)
                {
                    return;
                }
            }
        });
        var started = Stopwatch.GetTimestamp();
        using var gate = new SemaphoreSlim(window);
        var pending = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync();
            var payload = Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture) + "|";
            payload += new string('x', Math.Max(0, size - payload.Length));
            pending.Add(PublishAsync(channel, payload, gate));
        }

        await Task.WhenAll(pending).WaitAsync(Wait);
        await reader.WaitAsync(Wait);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Array.Sort(latencies);
        return (count / seconds, latencies[count / 2], latencies[Math.Min(count - 1, (int)(count * 0.99))]);
    }

    private static async Task PublishAsync(IChannel channel, string payload, SemaphoreSlim gate)
    {
        try
        {
            await channel.PublishAsync("bench", payload);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task FanOutAsync(string name, Func<bool, IChannelClient> create, int subscribers, int messages)
    {
        var channelName = "fanout-" + Guid.NewGuid().ToString("N")[..8];
        var clients = new List<IChannelClient>(subscribers);
        var arrivals = new long[subscribers];
        var counts = new int[subscribers];
        var all = new List<double>();
        var last = new List<double>();
        var connect = Stopwatch.StartNew();
        try
        {
            TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
            var remaining = 0;
            long sentAt = 0;
            for (var batch = 0; batch < subscribers; batch += 50)
            {
                await Task.WhenAll(Enumerable.Range(batch, Math.Min(50, subscribers - batch)).Select(async i =>
                {
                    var client = create(true);
                    lock (clients)
                    {
                        clients.Add(client);
                    }

                    var subscription = await client.GetChannel(channelName).SubscribeAsync().AsTask().WaitAsync(Wait);
                    _ = Task.Run(async () =>
                    {
                        await foreach (var _ in subscription)
                        {
                            arrivals[i] = Stopwatch.GetTimestamp() - Volatile.Read(ref sentAt);
                            if (Interlocked.Decrement(ref remaining) == 0)
                            {
                                done.TrySetResult();
                            }
                        }
                    });
                }));
            }

            var setup = connect.Elapsed;
            await using var publisher = create(false);
            var channel = publisher.GetChannel(channelName);
            for (var m = 0; m < messages; m++)
            {
                done = new(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref remaining, subscribers);
                Volatile.Write(ref sentAt, Stopwatch.GetTimestamp());
                await channel.PublishAsync("tick", m.ToString(CultureInfo.InvariantCulture));
                await done.Task.WaitAsync(Wait);
                var ms = arrivals.Select(static t => t * 1000.0 / Stopwatch.Frequency).ToList();
                all.AddRange(ms);
                last.Add(ms.Max());
            }

            all.Sort();
            last.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name} fan-out to {subscribers}: per-receiver arrival p50 {all[all.Count / 2]:F1} ms, p99 {all[(int)(all.Count * 0.99)]:F1} ms; " +
                $"last arrival p50 {last[last.Count / 2]:F1} ms, max {last[^1]:F1} ms; {subscribers} subscribers attached in {setup.TotalSeconds:F1} s"));
        }
        finally
        {
            await Task.WhenAll(clients.Select(static c => c.DisposeAsync().AsTask()));
        }
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";
}
