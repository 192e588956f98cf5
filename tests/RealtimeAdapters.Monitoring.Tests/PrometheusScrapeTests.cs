using System.Diagnostics;
using Monitoring;

namespace RealtimeAdapters.Monitoring.Tests;

/// <summary>
/// The monitoring sample end to end: a real Prometheus scrapes the sample host (the library's metrics through
/// OpenTelemetry) and the emulator (its own <c>/metrics</c>) every second under the sample's load, and every metric and
/// every expression of the Grafana dashboard has data.
/// </summary>
[Collection(nameof(OneSampleHost))]
public sealed class PrometheusScrapeTests
{
    // Prometheus's start, a few scrapes, and rate windows (Dashboard.Variables) that hold two samples at least.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(50);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Prometheus_ScrapingTheSampleUnderLoad_HasDataForEveryMetricAndExpressionOfTheDashboard()
    {
        PrometheusServer.SkipUnlessInstalled();
        var dashboard = Dashboard.Load();
        Assert.NotEmpty(dashboard.MetricNames);
        var clock = Stopwatch.StartNew();

        // Drops every 2 s and refusals every second, so that churn, reconnects and errors show within the deadline.
        await using var app = await MonitoringApp.StartAsync(
            [
                "--urls", "http://127.0.0.1:0",
                "--Monitoring:EmulatorFirebasePort", "0",
                "--Monitoring:EmulatorAblyPort", "0",
                "--Monitoring:Load:DropInterval", "00:00:02",
                "--Monitoring:Load:RefusalInterval", "00:00:01",
            ],
            Ct);

        // One emulator front end only: both serve the same metrics, and two targets would count them twice.
        await using var prometheus = await PrometheusServer.StartAsync(
            new Dictionary<string, string>
            {
                ["realtime-sample"] = app.Url.Authority,
                ["realtime-emulator"] = app.Emulator.FirebaseUrl.Authority,
            },
            TimeSpan.FromSeconds(20),
            Ct);

        // Every metric name, then every expression as the dashboard runs it; polled until each has a series (Prometheus
        // is an external server: its query API is the only way to see what it scraped).
        var pending = dashboard.MetricNames.Select(name => (What: $"metric {name}", Query: name))
            .Concat(dashboard.Expressions.Select(e => (What: $"panel \"{e.Panel}\": {e.Expression}", Query: Dashboard.ForPrometheus(e.Expression))))
            .ToList();
        while (pending.Count > 0 && clock.Elapsed < Deadline)
        {
            var still = new List<(string What, string Query)>();
            foreach (var item in pending)
            {
                // A query Prometheus refuses (bad PromQL in the dashboard) throws here with its error: no retry helps.
                var result = await prometheus.QueryAsync(item.Query, Ct);
                if (result.GetArrayLength() == 0 || !HasNumber(result))
                {
                    still.Add(item);
                }
            }

            pending = still;
            if (pending.Count > 0)
            {
                await Task.Delay(500, Ct);
            }
        }

        Assert.True(
            pending.Count == 0,
            $"No data after {clock.Elapsed.TotalSeconds:F0} s for:\n{string.Join('\n', pending.Select(p => p.What))}\nPrometheus said:\n{prometheus.Output}");
    }

    // histogram_quantile over buckets that did not move answers NaN: a series, but not yet a value to draw.
    private static bool HasNumber(System.Text.Json.JsonElement result) =>
        result.EnumerateArray().Any(series => series.GetProperty("value")[1].GetString() is { } v && v != "NaN");
}
