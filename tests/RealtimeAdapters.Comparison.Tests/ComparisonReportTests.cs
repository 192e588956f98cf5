using System.Net.Sockets;
using System.Xml.Linq;
using RealtimeAdapters.Comparison;

namespace RealtimeAdapters.Comparison.Tests;

/// <summary>
/// The comparison command on a small workload: every scenario produces its section with a row for every backend (a
/// measurement, or "not offered" with the reason, never a failure), every plot is a well-formed SVG with a series per
/// measured backend, and the report's prose carries the measured numbers.
/// </summary>
public sealed class ComparisonReportTests : IDisposable
{
    private static readonly string[] BackendNames = ["InMemory", "Firebase", "Ably (JSON)", "Ably (msgpack)"];
    private readonly string _out = Path.Combine(Path.GetTempPath(), "comparison-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task SmallRun_WritesEveryScenarioAndPlot_ForEveryBackend()
    {
        var (reports, path) = await ComparisonRunner.RunAsync(new ComparisonRunOptions { OutputDirectory = _out, Workload = ComparisonWorkload.Small, WorkloadName = "small" })
            .WaitAsync(TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);

        Assert.Equal(ComparisonRunner.ScenarioIds, reports.Select(static r => r.Id));
        var markdown = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        foreach (var report in reports.Where(static r => r.Id != "cost"))
        {
            Assert.Contains($"<a id=\"{report.Id}\"></a>", markdown, StringComparison.Ordinal);
            Assert.Equal(BackendNames, report.Rows.Select(static r => r.Backend));
            Assert.All(report.Rows, row => Assert.DoesNotContain(row.Cells, static c => c.StartsWith("failed", StringComparison.Ordinal)));
            Assert.All(report.Rows, row => Assert.True(row.Cells.Count == report.Columns.Count || row.Cells[0].StartsWith("not offered", StringComparison.Ordinal), $"{report.Id}/{row.Backend}: {string.Join(" | ", row.Cells)}"));
        }

        // The store is measured on every backend (Ably: over LiveObjects); what a backend does not offer is said, with the reason.
        var store = reports.Single(static r => r.Id == "store-latency");
        Assert.All(["Ably (JSON)", "Ably (msgpack)"], b => Assert.DoesNotContain("not offered", store.Rows.Single(r => r.Backend == b).Cells[0], StringComparison.Ordinal));
        var cut = reports.Single(static r => r.Id == "connection-cut");
        Assert.StartsWith("not offered: in-process", cut.Rows.Single(static r => r.Backend == "InMemory").Cells[0], StringComparison.Ordinal);

        // Nothing is lost across a cut on either network backend, and presence ends with every member listed.
        Assert.All(["Firebase", "Ably (JSON)", "Ably (msgpack)"], b => Assert.Equal(0, cut.Get(b, "lost")));
        Assert.All(["Firebase", "Ably (JSON)"], b => Assert.Equal(ComparisonWorkload.Small.PresenceMembers, reports.Single(static r => r.Id == "presence").Get(b, "listed")));

        // Every plot exists, is SVG, and draws one series per backend that was measured.
        var plots = reports.SelectMany(static r => r.Plots.Select(p => (r, p.FileName))).ToList();
        Assert.Equal(["channel-latency.svg", "store-latency.svg", "fan-out.svg", "cost.svg"], plots.Select(static p => p.FileName));
        foreach (var (report, file) in plots)
        {
            Assert.Contains($"](comparison/{file})", markdown, StringComparison.Ordinal);
            var svg = XDocument.Load(Path.Combine(_out, "comparison", file));
            Assert.Equal("svg", svg.Root!.Name.LocalName);
            var texts = svg.Descendants().Where(static e => e.Name.LocalName == "text").Select(static e => e.Value).ToList();
            foreach (var backend in report.Metrics.Keys)
            {
                Assert.Contains(texts, t => t.StartsWith(backend, StringComparison.Ordinal));
            }
        }

        Assert.Equal(4, XDocument.Load(Path.Combine(_out, "comparison", "channel-latency.svg")).Descendants().Count(static e => e.Name.LocalName == "polyline"));

        // The prose uses the measured numbers, never a placeholder.
        var latency = reports.Single(static r => r.Id == "channel-latency");
        Assert.Contains($"{latency.Get("Firebase", "throughput"):#,0} msg/s through channels", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("not measured", markdown.Split("## Publish")[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScenarioSubset_RunsOnlyThose_AndAnUnknownIdIsRefusedNamingTheKnownOnes()
    {
        var (reports, _) = await ComparisonRunner.RunAsync(new ComparisonRunOptions
        {
            OutputDirectory = _out,
            Workload = ComparisonWorkload.Small,
            Backends = ["InMemory"],
            Scenarios = ["history", "cost"],
        }).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(["history", "cost"], reports.Select(static r => r.Id));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ComparisonRunner.RunAsync(new ComparisonRunOptions { OutputDirectory = _out, Scenarios = ["latency"] }));
        Assert.Contains("\"latency\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("channel-latency", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CostEstimate_PricesTheWorkloadAsTheInputsSay()
    {
        var inputs = new PriceInputs
        {
            Date = "2026-12-03",
            Firebase = new FirebasePrices("test", StoredPerGiBMonth: 5, FreeStoredGiB: 0, DownloadedPerGiB: 1, FreeDownloadedGiBPerMonth: 0),
            Ably = new AblyPrices("test", BasePerMonth: 10, PerMillionMessages: 2, PerMillionConnectionMinutes: 1, PerMillionChannelMinutes: 0.5),
            Workload = new PricedWorkload("test", MessagesPerDay: 1_000_000, PayloadBytes: 924, SubscribersPerMessage: 9, ConcurrentConnections: 100, ConnectedHoursPerDay: 10, ActiveChannels: 10, HistoryDays: 0),
        };

        var report = CostEstimate.Price(inputs, firebaseDeliveryOverheadBytes: 100);

        // Firebase: 1e6 × 9 × 30 deliveries of 1,024 bytes = 257.49 GiB at $1; nothing stored. Ably: $10 + 3e8 messages at
        // $2/M + 1.8e6 connection minutes at $1/M + 1.8e5 channel minutes at $0.5/M = 10 + 600 + 1.8 + 0.09.
        Assert.Equal(1e6 * 9 * 30 * 1024 / (1024d * 1024 * 1024), report.Get("Firebase", "total")!.Value, 6);
        Assert.Equal(611.89, report.Get("Ably", "total")!.Value, 6);
    }

    [Fact]
    public async Task CountingProxy_CountsBothWays_AndCutResetsTheConnection()
    {
        using var server = new TcpListener(System.Net.IPAddress.Loopback, 0);
        server.Start();
        await using var proxy = new CountingProxy(((System.Net.IPEndPoint)server.LocalEndpoint).Port);
        using var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, proxy.Port, TestContext.Current.CancellationToken);
        using var accepted = await server.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        await client.GetStream().WriteAsync(new byte[1000], TestContext.Current.CancellationToken);
        await accepted.GetStream().ReadExactlyAsync(new byte[1000], TestContext.Current.CancellationToken);
        await accepted.GetStream().WriteAsync(new byte[300], TestContext.Current.CancellationToken);
        await client.GetStream().ReadExactlyAsync(new byte[300], TestContext.Current.CancellationToken);
        Assert.Equal((1000, 300), (proxy.BytesUp, proxy.BytesDown));

        Assert.Equal(1, proxy.CutAll());
        var read = await client.GetStream().ReadAsync(new byte[1], TestContext.Current.CancellationToken).AsTask()
            .ContinueWith(static t => t.IsFaulted ? -1 : t.Result, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(read <= 0, "the client's connection ends when the proxy cuts it");
    }

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }
}
