using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Monitoring;

namespace RealtimeAdapters.Monitoring.Tests;

/// <summary>The sample sends the library's activities over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and not otherwise.</summary>
[Collection(nameof(OneSampleHost))]
public sealed class TraceExportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] FreePorts = ["--urls", "http://127.0.0.1:0", "--Monitoring:EmulatorFirebasePort", "0", "--Monitoring:EmulatorAblyPort", "0"];

    [Fact]
    public async Task Traces_WithAnOtlpEndpoint_ArriveThereWithTheLibrarysActivities()
    {
        // A stand-in OTLP/HTTP collector: the first export holding a publish span from the RealtimeAdapters source completes
        // the wait (the first batches may hold only other operations).
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            var bytes = body.ToArray();
            var text = Encoding.UTF8.GetString(bytes);
            if (text.Contains(RealtimeDiagnostics.Name, StringComparison.Ordinal) && text.Contains("realtime.channel.publish", StringComparison.Ordinal))
            {
                received.TrySetResult(bytes);
            }

            return Results.Ok();
        });
        await collector.StartAsync(Ct);
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var app = await MonitoringApp.StartAsync(
            [.. FreePorts, "--OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "--OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "--OTEL_BSP_SCHEDULE_DELAY", "200"],
            Ct);

        Assert.True(app.ExportsTraces);
        var spans = await received.Task.WaitAsync(Wait, Ct);
        Assert.Contains("realtime.channel.publish", Encoding.UTF8.GetString(spans), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Traces_WithoutAnOtlpEndpoint_AreNotExported()
    {
        await using var app = await MonitoringApp.StartAsync(FreePorts, Ct);

        Assert.False(app.ExportsTraces);
    }
}
