using System.Diagnostics;
using System.Globalization;

namespace RealtimeAdapters.Comparison;

/// <summary>The scenarios of the comparison; each runs on every backend and returns its section of the report.</summary>
public static class Scenarios
{
    /// <summary>The longest any step waits before the scenario reports the backend as failed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Flags]
    private enum Needs
    {
        Channels = 1,
        Store = 2,
        Network = 4,
    }

    /// <summary>Publish → deliver latency (one at a time) and throughput (a window in flight) over <see cref="IChannel"/>.</summary>
    public static async Task<ScenarioReport> ChannelLatencyAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "channel-latency",
            Title = "Publish → deliver latency and throughput (channels)",
            Method = $"One publisher client (echo off) and one subscriber client on one channel. Latency: {w.LatencyMessages} messages of {w.PayloadSize} characters published one at a time, each once the previous one has arrived; latency is the arrival time minus the send time carried in the payload (one process, one clock). Throughput: {w.ThroughputMessages} messages with at most {w.Window} publishes awaiting acknowledgement, until the subscriber has them all.",
            Columns = ["p50 (ms)", "p99 (ms)", "max (ms)", "throughput (msg/s)"],
        };
        var series = new List<(string, IReadOnlyList<double>)>();
        await ForEachAsync(report, backends, Needs.Channels, async (backend, session) =>
        {
            var publisher = session.Channels(echo: false).GetChannel("latency");
            await using var collector = await Collector.StartAsync(session.Channels().GetChannel("latency")).ConfigureAwait(false);
            return await LatencyAndThroughputAsync(report, backend.Name, series, w, collector, (name, i) => publisher.PublishAsync(name, Collector.Payload(w.PayloadSize, i))).ConfigureAwait(false);
        }).ConfigureAwait(false);
        report.Plots.Add(("channel-latency.svg", "Publish → deliver latency, cumulative", Svg.Cdf("Publish → deliver latency (channels)", "latency (ms)", series)));
        return report;
    }

    /// <summary>Write → listener latency and write throughput over <see cref="IRealtimeStore"/>.</summary>
    public static async Task<ScenarioReport> StoreLatencyAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "store-latency",
            Title = "Write → listener latency and write throughput (store)",
            Method = $"One writer store and one watcher store (another connection) on the same database. Latency: {w.LatencyMessages} pushes of a {w.PayloadSize}-character child to a list, one at a time, each once the previous one has arrived; latency is the watcher's child-added event minus the write's start. Throughput: {w.ThroughputMessages} pushes with at most {w.Window} in flight, until the watcher has them all.",
            Columns = ["p50 (ms)", "p99 (ms)", "max (ms)", "throughput (writes/s)"],
        };
        var series = new List<(string, IReadOnlyList<double>)>();
        await ForEachAsync(report, backends, Needs.Store, async (backend, session) =>
        {
            var writer = session.Store();
            await using var collector = await Collector.StartAsync(session.Store(), "latency").ConfigureAwait(false);
            return await LatencyAndThroughputAsync(report, backend.Name, series, w, collector, (name, i) =>
                new ValueTask(writer.PushAsync("latency", Collector.Child(name, Collector.Payload(w.PayloadSize, i))).AsTask())).ConfigureAwait(false);
        }).ConfigureAwait(false);
        report.Plots.Add(("store-latency.svg", "Write → listener latency, cumulative", Svg.Cdf("Write → listener latency (store)", "latency (ms)", series)));
        return report;
    }

    /// <summary>One publisher, many subscriber connections: per-receiver and last arrival.</summary>
    public static async Task<ScenarioReport> FanOutAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "fan-out",
            Title = "Fan-out to many subscribers (channels)",
            Method = $"For each size in {string.Join(", ", w.FanOutSizes)}: that many subscriber clients (one connection each) on one channel and one publisher; {w.FanOutMessages} publishes one at a time, each waiting until every subscriber has it. Per-receiver arrival is measured from the start of the publish; the last arrival is when the slowest subscriber has it.",
            Columns = [.. w.FanOutSizes.SelectMany(static n => new[] { $"{n}: receiver p50 (ms)", $"{n}: last arrival p50 (ms)" })],
        };
        await ForEachAsync(report, backends, Needs.Channels, async (backend, session) =>
        {
            var cells = new List<string>();
            foreach (var size in w.FanOutSizes)
            {
                var channelName = $"fan-{size}";
                var arrivals = new long[size];
                var remaining = 0;
                var started = 0L;
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var subscriptions = new List<IRealtimeSubscription<ChannelMessage>>();
                for (var batch = 0; batch < size; batch += 50)
                {
                    var created = await Task.WhenAll(Enumerable.Range(batch, Math.Min(50, size - batch)).Select(async i =>
                    {
                        var subscription = await session.Channels().GetChannel(channelName).SubscribeAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
                        _ = Task.Run(async () =>
                        {
                            await foreach (var _ in ((IAsyncEnumerable<ChannelMessage>)subscription).ConfigureAwait(false))
                            {
                                arrivals[i] = Stopwatch.GetTimestamp() - Volatile.Read(ref started);
                                if (Interlocked.Decrement(ref remaining) == 0)
                                {
                                    Volatile.Read(ref done).TrySetResult();
                                }
                            }
                        });
                        return subscription;
                    })).ConfigureAwait(false);
                    subscriptions.AddRange(created);
                }

                var publisher = session.Channels(echo: false).GetChannel(channelName);
                var receivers = new List<double>();
                var last = new List<double>();
                for (var m = 0; m < w.FanOutMessages; m++)
                {
                    Volatile.Write(ref done, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    Volatile.Write(ref remaining, size);
                    Volatile.Write(ref started, Stopwatch.GetTimestamp());
                    await publisher.PublishAsync("tick", m.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                    await Volatile.Read(ref done).Task.WaitAsync(Timeout).ConfigureAwait(false);
                    var ms = arrivals.Select(Ms).ToList();
                    receivers.AddRange(ms);
                    last.Add(ms.Max());
                }

                foreach (var subscription in subscriptions)
                {
                    await subscription.DisposeAsync().ConfigureAwait(false);
                }

                receivers.Sort();
                last.Sort();
                report.Set(backend.Name, $"last-p50-{size}", Stats.Percentile(last, 0.5));
                cells.Add(N(Stats.Percentile(receivers, 0.5)));
                cells.Add(N(Stats.Percentile(last, 0.5)));
            }

            return cells;
        }).ConfigureAwait(false);
        var plotted = report.Rows.Where(r => report.Metrics.ContainsKey(r.Backend)).Select(r => r.Backend).ToList();
        report.Plots.Add((
            "fan-out.svg",
            "Last arrival (p50) by number of subscribers",
            Svg.Bars("Fan-out: last arrival p50 (ms)", "ms", [.. w.FanOutSizes.Select(static n => $"{n} subscribers")],
                [.. plotted.Select(b => (b, (IReadOnlyList<double?>)[.. w.FanOutSizes.Select(n => report.Get(b, $"last-p50-{n}"))]))])));
        return report;
    }

    /// <summary>A subscriber's connection cut while a publisher keeps publishing: loss, duplicates, time to recover.</summary>
    public static async Task<ScenarioReport> ConnectionCutAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "connection-cut",
            Title = "Across a connection cut (channels)",
            Method = $"The subscriber connects through a TCP proxy; the publisher publishes {w.CutMessages} messages, one every 10 ms; after {w.CutAfter} the proxy resets the subscriber's connection (the client sees a network failure and reconnects through the proxy; the Firebase client waits 250 ms before its first reconnect here, 1 s by default; the Ably client reconnects at once, as its protocol asks). Then an end marker is published; once it arrives (delivery is ordered per publisher), a message that has not arrived is lost. Recovery is the time from the cut to the first message that arrives after it.",
            Columns = ["lost", "duplicated", "recovery (ms)"],
        };
        await ForEachAsync(report, backends, Needs.Channels | Needs.Network, async (backend, session) =>
        {
            var publisher = session.Channels(echo: false).GetChannel("cut");
            await using var collector = await Collector.StartAsync(session.Channels(viaProxy: true).GetChannel("cut")).ConfigureAwait(false);
            long cutAt = 0;
            for (var i = 0; i < w.CutMessages; i++)
            {
                if (i == w.CutAfter)
                {
                    cutAt = Stopwatch.GetTimestamp();
                    session.Proxy.CutAll();
                }

                await publisher.PublishAsync("m", Collector.Payload(16, i)).ConfigureAwait(false);
                await Task.Delay(10).ConfigureAwait(false);
            }

            await publisher.PublishAsync("end", "end").ConfigureAwait(false);
            await collector.WaitForAsync("end", 1).ConfigureAwait(false);
            var received = collector.Arrivals.Where(static a => a.Name == "m").ToList();
            var sequences = received.Select(static a => int.Parse(a.Data.Split('|')[1], CultureInfo.InvariantCulture)).ToList();
            var lost = w.CutMessages - sequences.Distinct().Count();
            var duplicated = sequences.Count - sequences.Distinct().Count();
            var after = received.Where(a => a.At > cutAt).Select(static a => a.At).DefaultIfEmpty(0).Min();
            var recovery = after == 0 ? double.NaN : Ms(after - cutAt);
            report.Set(backend.Name, "lost", lost);
            report.Set(backend.Name, "recovery", recovery);
            return [lost.ToString(CultureInfo.InvariantCulture), duplicated.ToString(CultureInfo.InvariantCulture), N(recovery)];
        }).ConfigureAwait(false);
        return report;
    }

    /// <summary>What remains once every client has left: store data, channel history, presence.</summary>
    public static async Task<ScenarioReport> PersistenceAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        _ = w;
        var report = new ScenarioReport
        {
            Id = "persistence",
            Title = "What persists after every client leaves",
            Method = "Clients write a store document, publish 10 messages and enter presence, then all of them are closed. New clients then read the document, the channel's history and its presence members.",
            Columns = ["store document", "channel history", "presence members"],
        };
        await ForEachAsync(report, backends, Needs.Channels, async (backend, session) =>
        {
            var first = session.Channels("writer");
            IRealtimeStore? store = backend.StoreNotOffered is null ? session.Store() : null;
            if (store is not null)
            {
                await store.SetAsync("persist/doc", DataNode.FromChildren([new("title", "kept?")])).ConfigureAwait(false);
            }

            var channel = first.GetChannel("persist");
            for (var i = 0; i < 10; i++)
            {
                await channel.PublishAsync("m", i.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }

            var presence = first.Metadata.Supports(RealtimeCapabilities.Presence);
            if (presence)
            {
                await channel.Presence.EnterAsync("here").ConfigureAwait(false);
            }

            await first.DisposeAsync().ConfigureAwait(false);
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            var reader = session.Channels();
            var documentCell = backend.StoreNotOffered is { } no ? $"not offered ({no})"
                : (await session.Store().GetAsync("persist/doc/title").AsTask().WaitAsync(Timeout).ConfigureAwait(false)).Exists ? "kept" : "gone";
            var history = reader.Metadata.Supports(RealtimeCapabilities.History)
                ? (await reader.GetChannel("persist").GetHistoryAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false)).Items.Count
                : -1;
            var members = presence ? (await reader.GetChannel("persist").Presence.GetAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false)).Count : -1;
            report.Set(backend.Name, "history", history);
            return [documentCell, history < 0 ? "not offered" : $"{history} of 10 messages", members < 0 ? "not offered" : $"{members} (the member left)"];
        }).ConfigureAwait(false);
        return report;
    }

    /// <summary>History depth and paging cost.</summary>
    public static async Task<ScenarioReport> HistoryAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "history",
            Title = "History depth and paging",
            Method = $"{w.HistoryMessages} messages published in batches of 50, then the whole history read backwards in pages of 100.",
            Columns = ["messages retrieved", "pages", "page p50 (ms)", "all pages (ms)"],
        };
        await ForEachAsync(report, backends, Needs.Channels, async (backend, session) =>
        {
            var client = session.Channels("historian");
            if (!client.Metadata.Supports(RealtimeCapabilities.History))
            {
                return ["not offered"];
            }

            var channel = client.GetChannel("history");
            for (var i = 0; i < w.HistoryMessages; i += 50)
            {
                await channel.PublishAsync([.. Enumerable.Range(i, Math.Min(50, w.HistoryMessages - i)).Select(static n => new ChannelMessage("h", n.ToString(CultureInfo.InvariantCulture)))]).ConfigureAwait(false);
            }

            var times = new List<double>();
            var total = 0;
            var started = Stopwatch.GetTimestamp();
            var pageStart = started;
            var page = await channel.GetHistoryAsync(new HistoryQuery { Limit = 100 }).AsTask().WaitAsync(Timeout).ConfigureAwait(false);
            while (true)
            {
                times.Add(Ms(Stopwatch.GetTimestamp() - pageStart));
                total += page.Items.Count;
                if (!page.HasNext)
                {
                    break;
                }

                pageStart = Stopwatch.GetTimestamp();
                page = await page.GetNextAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
            }

            var all = Ms(Stopwatch.GetTimestamp() - started);
            times.Sort();
            report.Set(backend.Name, "retrieved", total);
            report.Set(backend.Name, "page-p50", Stats.Percentile(times, 0.5));
            return [$"{total} of {w.HistoryMessages}", times.Count.ToString(CultureInfo.InvariantCulture), N(Stats.Percentile(times, 0.5)), N(all)];
        }).ConfigureAwait(false);
        return report;
    }

    /// <summary>Presence accuracy when members' connections are cut.</summary>
    public static async Task<ScenarioReport> PresenceAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "presence",
            Title = "Presence accuracy after dropped connections",
            Method = $"{w.PresenceMembers} members (one client each, through a TCP proxy) enter a channel; an observer (direct) subscribes to presence. The proxy resets every member's connection; the observer's events are counted for {w.PresenceWindow.TotalSeconds:0} s, then a new client lists the members.",
            Columns = ["leaves seen", "enters seen", "back to all members (ms)", "members listed after"],
        };
        await ForEachAsync(report, backends, Needs.Channels | Needs.Network, async (backend, session) =>
        {
            var observer = session.Channels();
            if (!observer.Metadata.Supports(RealtimeCapabilities.Presence))
            {
                return ["not offered"];
            }

            await using var events = await observer.GetChannel("room").Presence.SubscribeAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
            var present = new HashSet<string>();
            var leaves = 0;
            var enters = 0;
            long cutAt = 0;
            long backAt = 0;
            var allIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = Task.Run(async () =>
            {
                await foreach (var e in ((IAsyncEnumerable<PresenceMessage>)events).ConfigureAwait(false))
                {
                    lock (present)
                    {
                        if (e.Action == PresenceAction.Leave)
                        {
                            present.Remove(e.MemberKey);
                            leaves += cutAt == 0 ? 0 : 1;
                        }
                        else
                        {
                            present.Add(e.MemberKey);
                            enters += cutAt == 0 || e.Action != PresenceAction.Enter ? 0 : 1;
                        }

                        if (present.Count == w.PresenceMembers)
                        {
                            allIn.TrySetResult();
                            if (cutAt != 0 && leaves > 0 && backAt == 0)
                            {
                                backAt = Stopwatch.GetTimestamp();
                            }
                        }
                    }
                }
            });
            await Task.WhenAll(Enumerable.Range(0, w.PresenceMembers).Select(i =>
                session.Channels($"member-{i}", viaProxy: true).GetChannel("room").Presence.EnterAsync("here").AsTask())).WaitAsync(Timeout).ConfigureAwait(false);
            await allIn.Task.WaitAsync(Timeout).ConfigureAwait(false);
            lock (present)
            {
                cutAt = Stopwatch.GetTimestamp();
            }

            session.Proxy.CutAll();
            await Task.Delay(w.PresenceWindow).ConfigureAwait(false);
            var listed = (await session.Channels().GetChannel("room").Presence.GetAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false)).Count;
            await events.DisposeAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
            report.Set(backend.Name, "leaves", leaves);
            report.Set(backend.Name, "listed", listed);
            return [leaves.ToString(CultureInfo.InvariantCulture), enters.ToString(CultureInfo.InvariantCulture),
                backAt == 0 ? (leaves == 0 ? "never left" : "not within the window") : N(Ms(backAt - cutAt)), $"{listed} of {w.PresenceMembers}"];
        }).ConfigureAwait(false);
        return report;
    }

    /// <summary>Bytes on the wire per message and per write, measured by a TCP proxy.</summary>
    public static async Task<ScenarioReport> WireBytesAsync(IReadOnlyList<Backend> backends, ComparisonWorkload w)
    {
        var report = new ScenarioReport
        {
            Id = "wire-bytes",
            Title = "Bytes on the wire",
            Method = $"A TCP proxy counts every byte between one client and the backend (protocol framing included, no TLS: the emulator speaks plain text, so add TLS overhead for a hosted service). {w.WireMessages} messages of {w.PayloadSize} characters, one at a time: the publisher's bytes (both ways) per publish, the subscriber's received bytes per message; the same for a store writer and watcher with a {w.PayloadSize}-character child pushed to a list.",
            Columns = ["publisher per message (B)", "subscriber per message (B)", "writer per write (B)", "watcher per write (B)"],
        };
        await ForEachAsync(report, backends, Needs.Channels | Needs.Network, async (backend, session) =>
        {
            async Task<double> ChannelBytesAsync(bool publisherThroughProxy, string name)
            {
                var publisher = session.Channels(echo: false, viaProxy: publisherThroughProxy).GetChannel(name);
                await using var collector = await Collector.StartAsync(session.Channels(viaProxy: !publisherThroughProxy).GetChannel(name)).ConfigureAwait(false);
                await publisher.PublishAsync("warm", "warm").ConfigureAwait(false);
                await collector.WaitForAsync("warm", 1).ConfigureAwait(false);
                session.Proxy.ResetCounters();
                for (var i = 0; i < w.WireMessages; i++)
                {
                    await publisher.PublishAsync("m", Collector.Payload(w.PayloadSize, i)).ConfigureAwait(false);
                }

                await collector.WaitForAsync("m", w.WireMessages).ConfigureAwait(false);
                return publisherThroughProxy ? (session.Proxy.BytesUp + session.Proxy.BytesDown) / (double)w.WireMessages : session.Proxy.BytesDown / (double)w.WireMessages;
            }

            async Task<double> StoreBytesAsync(bool writerThroughProxy, string path)
            {
                var writer = session.Store(viaProxy: writerThroughProxy);
                var watcher = session.Store(viaProxy: !writerThroughProxy);
                await using var watch = await watcher.WatchAsync(path, new WatchOptions { Events = StoreEventKind.ChildAdded, Buffer = new SubscriptionBufferOptions { Capacity = null } }).AsTask().WaitAsync(Timeout).ConfigureAwait(false);
                var events = watch.GetAsyncEnumerator();
                await writer.PushAsync(path, "warm").ConfigureAwait(false);
                await events.MoveNextAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
                session.Proxy.ResetCounters();
                for (var i = 0; i < w.WireMessages; i++)
                {
                    await writer.PushAsync(path, Collector.Payload(w.PayloadSize, i)).ConfigureAwait(false);
                }

                for (var i = 0; i < w.WireMessages; i++)
                {
                    await events.MoveNextAsync().AsTask().WaitAsync(Timeout).ConfigureAwait(false);
                }

                await events.DisposeAsync().ConfigureAwait(false);
                return writerThroughProxy ? (session.Proxy.BytesUp + session.Proxy.BytesDown) / (double)w.WireMessages : session.Proxy.BytesDown / (double)w.WireMessages;
            }

            var publish = await ChannelBytesAsync(true, "wire-p").ConfigureAwait(false);
            var deliver = await ChannelBytesAsync(false, "wire-s").ConfigureAwait(false);
            report.Set(backend.Name, "publish", publish);
            report.Set(backend.Name, "deliver", deliver);
            string write = "not offered", watch = "not offered";
            if (backend.StoreNotOffered is null)
            {
                var writeBytes = await StoreBytesAsync(true, "wire/w").ConfigureAwait(false);
                var watchBytes = await StoreBytesAsync(false, "wire/s").ConfigureAwait(false);
                report.Set(backend.Name, "write", writeBytes);
                report.Set(backend.Name, "watch", watchBytes);
                (write, watch) = (N0(writeBytes), N0(watchBytes));
            }

            return [N0(publish), N0(deliver), write, watch];
        }).ConfigureAwait(false);
        return report;
    }

    // Latency: messages sent one at a time, each after the previous one arrived (after 10 to warm up); throughput: a window in flight. The
    // arrivals carry their send time, so latency is measured on one clock.
    private static async Task<IReadOnlyList<string>> LatencyAndThroughputAsync(
        ScenarioReport report, string backend, List<(string, IReadOnlyList<double>)> series, ComparisonWorkload w, Collector collector, Func<string, int, ValueTask> send)
    {
        for (var i = 0; i < 10; i++)
        {
            await send("warm", i).ConfigureAwait(false);
        }

        // Each message waits for the previous one's arrival: a message's latency never includes the queue of earlier ones
        // (an in-process backend completes a publish before delivering it).
        for (var i = 0; i < w.LatencyMessages; i++)
        {
            await send("lat", i).ConfigureAwait(false);
            await collector.WaitForAsync("lat", i + 1).ConfigureAwait(false);
        }

        var latencies = collector.Arrivals.Where(static a => a.Name == "lat").Select(static a => Ms(a.At - Collector.SentAt(a.Data))).Order().ToList();
        series.Add((backend, latencies));

        var started = Stopwatch.GetTimestamp();
        await Windowed(w.ThroughputMessages, w.Window, i => send("tp", i)).ConfigureAwait(false);
        await collector.WaitForAsync("tp", w.ThroughputMessages).ConfigureAwait(false);
        var rate = w.ThroughputMessages / Stopwatch.GetElapsedTime(started).TotalSeconds;
        report.Set(backend, "p50", Stats.Percentile(latencies, 0.5));
        report.Set(backend, "p99", Stats.Percentile(latencies, 0.99));
        report.Set(backend, "throughput", rate);
        return [N(Stats.Percentile(latencies, 0.5)), N(Stats.Percentile(latencies, 0.99)), N(latencies[^1]), N0(rate)];
    }

    private static async Task ForEachAsync(ScenarioReport report, IReadOnlyList<Backend> backends, Needs needs, Func<Backend, BackendSession, Task<IReadOnlyList<string>>> measure)
    {
        foreach (var backend in backends)
        {
            var reason = (needs.HasFlag(Needs.Channels) ? backend.ChannelsNotOffered : null)
                ?? (needs.HasFlag(Needs.Store) ? backend.StoreNotOffered : null)
                ?? (needs.HasFlag(Needs.Network) ? backend.NetworkNotApplicable : null);
            if (reason is not null)
            {
                report.Rows.Add((backend.Name, [$"not offered: {reason}"]));
                continue;
            }

            IReadOnlyList<string> cells;
            var session = backend.Open();
            try
            {
                cells = await measure(backend, session).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A backend that fails a scenario is reported as such; the others still run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                cells = [$"failed: {ex.GetType().Name}: {ex.Message}"];
                Console.Error.WriteLine($"{report.Id} on {backend.Name}: {ex}");
            }

            report.Rows.Add((backend.Name, cells));
            try
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Closing the clients failed: the measurement stands; the failure is shown beside it.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                report.Notes.Add($"{backend.Name}: closing the clients failed after the measurement: {ex.GetType().Name}: {ex.Message}");
                Console.Error.WriteLine($"{report.Id} on {backend.Name}, closing: {ex}");
            }
        }
    }

    private static async Task Windowed(int count, int window, Func<int, ValueTask> operation)
    {
        using var gate = new SemaphoreSlim(window);
        var pending = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            pending.Add(Run(i));
        }

        await Task.WhenAll(pending).WaitAsync(Timeout).ConfigureAwait(false);

        async Task Run(int i)
        {
            try
            {
                await operation(i).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string N(double value) => double.IsNaN(value) ? "—" : value.ToString(value >= 100 ? "0" : "0.0#", CultureInfo.InvariantCulture);

    private static string N0(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
