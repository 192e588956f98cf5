using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

namespace RealtimeAdapters.Emulator.Tests.Hosting;

/// <summary>
/// What an operator hosting the emulator reads: <c>/metrics</c> (Prometheus text format), <c>/healthz</c> and
/// <c>/readyz</c> on both front ends, answered before the protocols, which keep their own paths.
/// </summary>
public sealed class OperatorEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Probes_OnBothFrontEnds_AnswerLiveAndReady()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } }, Ct);
        using var http = new HttpClient();
        foreach (var url in new[] { emulator.FirebaseUrl, emulator.AblyUrl })
        {
            using var live = await http.GetAsync(new Uri(url, "healthz"), Ct);
            using var ready = await http.GetAsync(new Uri(url, "readyz"), Ct);
            using var metrics = await http.GetAsync(new Uri(url, "metrics"), Ct);

            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync(Ct));
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType?.ToString());
            Assert.Contains("# TYPE realtime_emulator_connections_active gauge\n", await metrics.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_WhileAFirebaseSocketIsOpen_AndAfterADrop_CountTheConnectionAndTheFault()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }, Ct);
        using var http = new HttpClient();
        await using (var client = await RealtimeWireClient.ConnectAsync(emulator.FirebaseUrl))
        {
            var open = await http.GetStringAsync(new Uri(emulator.FirebaseUrl, "metrics"), Ct);
            Assert.Contains("realtime_emulator_connections_active{realtime_provider=\"Firebase\"} 1\n", open, StringComparison.Ordinal);

            Assert.Equal(1, emulator.DropFirebaseConnections());
        }

        var dropped = await http.GetStringAsync(new Uri(emulator.FirebaseUrl, "metrics"), Ct);
        Assert.Contains("realtime_emulator_faults_total{realtime_emulator_fault=\"drop_connections\",realtime_provider=\"Firebase\"} 1\n", dropped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_GarbageCollections_AreTheProcessCountsWhenScraped()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }, Ct);
        using var http = new HttpClient();
        // A collection before the first scrape too, so that each count read is above zero (a sum would show).
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var before = await http.GetStringAsync(new Uri(emulator.FirebaseUrl, "metrics"), Ct);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var low = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
        var after = await http.GetStringAsync(new Uri(emulator.FirebaseUrl, "metrics"), Ct);
        var high = new[] { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };

        Assert.Contains("# TYPE realtime_emulator_gc_collections_total counter\n", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE realtime_emulator_gc_pause_time_seconds_total counter\n", after, StringComparison.Ordinal);
        for (var generation = 0; generation <= 2; generation++)
        {
            // The process's count when scraped (an observation replaces the last one; it is not added to it).
            var series = $"realtime_emulator_gc_collections_total{{gc_heap_generation=\"gen{generation}\"}}";
            Assert.InRange(Sample(after, series), low[generation], high[generation]);
            Assert.True(Sample(after, series) >= Sample(before, series) + 1, $"{series}: {Sample(before, series)} then {Sample(after, series)}");
        }

        Assert.True(Sample(after, "realtime_emulator_gc_pause_time_seconds_total") > 0);
        Assert.True(Sample(after, "realtime_emulator_gc_pause_time_seconds_total") >= Sample(before, "realtime_emulator_gc_pause_time_seconds_total"));
    }

    private static double Sample(string exposition, string series)
    {
        var line = exposition.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task FirebaseDataPath_NamedMetrics_IsStillData()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } }, Ct);
        using var http = new HttpClient();
        using var put = await http.PutAsync(new Uri(emulator.FirebaseUrl, "metrics.json"), new StringContent("\"mine\"", Encoding.UTF8, "application/json"), Ct);
        put.EnsureSuccessStatusCode();

        Assert.Equal("\"mine\"", await http.GetStringAsync(new Uri(emulator.FirebaseUrl, "metrics.json"), Ct));
    }

    [Fact]
    public async Task Readyz_BeforeTheStartCompletesOrOnceStopping_Answers503()
    {
        using var metrics = new EmulatorMetrics();
        var endpoints = new OperatorEndpoints(metrics);
        var handler = endpoints.For("Firebase");

        var notYet = await SendAsync(handler, "/readyz", _ => Task.CompletedTask);
        endpoints.Ready = true;
        var ready = await SendAsync(handler, "/readyz", _ => Task.CompletedTask);
        endpoints.Ready = false;
        var stopping = await SendAsync(handler, "/readyz", _ => Task.CompletedTask);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, notYet.Response.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, ready.Response.StatusCode);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, stopping.Response.StatusCode);
    }

    [Fact]
    public async Task Requests_RefusedOrFailing_AreCountedByStatusCodeOrExceptionType_AndTimedInCumulativeBuckets()
    {
        using var metrics = new EmulatorMetrics();
        var handler = new OperatorEndpoints(metrics).For("Ably");

        await SendAsync(handler, "/channels/a/messages", context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });
        await SendAsync(handler, "/time", _ => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidOperationException>(() => SendAsync(handler, "/time", _ => throw new InvalidOperationException("boom")));
        var text = metrics.Exposition.Write();

        Assert.Contains("realtime_emulator_errors_total{error_type=\"401\",realtime_provider=\"Ably\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("realtime_emulator_errors_total{error_type=\"System.InvalidOperationException\",realtime_provider=\"Ably\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("realtime_emulator_request_duration_seconds_count{http_response_status_code=\"200\",realtime_provider=\"Ably\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("realtime_emulator_request_duration_seconds_bucket{http_response_status_code=\"200\",realtime_provider=\"Ably\",le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE realtime_emulator_request_duration_seconds histogram\n", text, StringComparison.Ordinal);

        // Buckets are cumulative: each line counts at least the one before it.
        var buckets = text.Split('\n')
            .Where(l => l.StartsWith("realtime_emulator_request_duration_seconds_bucket{http_response_status_code=\"200\"", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(buckets.Count > 2);
        Assert.Equal(buckets.Order(), buckets);
    }

    [Fact]
    public async Task Metrics_OfTwoEmulatorsInOneProcess_AreKeptApart()
    {
        using var first = new EmulatorMetrics();
        using var second = new EmulatorMetrics();

        await SendAsync(new OperatorEndpoints(first).For("Firebase"), "/a.json", _ => Task.CompletedTask);

        Assert.Contains("realtime_emulator_request_duration_seconds_count", first.Exposition.Write(), StringComparison.Ordinal);
        Assert.DoesNotContain("realtime_emulator_request_duration_seconds_count", second.Exposition.Write(), StringComparison.Ordinal);
    }

    private static async Task<HttpContext> SendAsync(Func<HttpContext, RequestDelegate, Task> handler, string path, RequestDelegate next)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        await handler(context, next);
        return context;
    }
}
