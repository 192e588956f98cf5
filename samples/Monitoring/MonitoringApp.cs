using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RealtimeAdapters;
using RealtimeAdapters.Ably;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;

namespace Monitoring;

/// <summary>
/// The monitoring sample's host: the emulator in this process (Firebase store and channels, Ably channels), the library
/// registered with <c>AddRealtime()...UseTelemetry()</c>, a <see cref="LoadGenerator"/> working it, the metrics on
/// <c>/metrics</c> (Prometheus text format, through OpenTelemetry) and the traces sent over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
/// <remarks>
/// Settings: <c>--urls</c> (default <c>http://127.0.0.1:5090</c>), <c>Monitoring:EmulatorFirebasePort</c> and
/// <c>Monitoring:EmulatorAblyPort</c> (default 9000 and 9001, 0 for free ports), <see cref="LoadOptions"/>.
/// The emulator serves its own metrics and probes on both its ports (<c>/metrics</c>, <c>/healthz</c>, <c>/readyz</c>).
/// </remarks>
public sealed class MonitoringApp : IAsyncDisposable
{
    /// <summary>The Firebase namespace the load runs in.</summary>
    public const string Namespace = "monitoring";

    /// <summary>The <c>service.name</c> resource attribute of the metrics and traces.</summary>
    public const string ServiceName = "realtime-monitoring-sample";

    private readonly WebApplication _app;

    private MonitoringApp(WebApplication app, RealtimeEmulator emulator, Uri url)
    {
        _app = app;
        Emulator = emulator;
        Url = url;
    }

    /// <summary>Where the host listens, e.g. <c>http://127.0.0.1:5090/</c>; metrics at <c>/metrics</c>.</summary>
    public Uri Url { get; }

    /// <summary>The emulator the load runs against.</summary>
    public RealtimeEmulator Emulator { get; }

    /// <summary>Whether traces are exported (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
    public bool ExportsTraces { get; private set; }

    /// <summary>Starts the emulator, then the host and its load.</summary>
    /// <param name="args">Command-line arguments (see the remarks).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentException">A load setting is invalid (the message names it).</exception>
    public static async Task<MonitoringApp> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5090");
        }

        // The load provokes refusals on purpose (LoadOptions.RefusalInterval): the metrics count them, the log would repeat them.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
            .AddFilter(RealtimeDiagnostics.Name, LogLevel.Error);
        var load = new LoadOptions();
        builder.Configuration.GetSection(LoadOptions.Section).Bind(load);
        load.Validate();

        var emulator = await RealtimeEmulator.StartAsync(
            new EmulatorOptions
            {
                Firebase = { Port = builder.Configuration.GetValue("Monitoring:EmulatorFirebasePort", 9000) },
                Ably = { Enabled = true, Port = builder.Configuration.GetValue("Monitoring:EmulatorAblyPort", 9001) },
            },
            cancellationToken);
        try
        {
            var app = Build(builder, emulator, load, out var exportsTraces);
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var url = new Uri(address.TrimEnd('/') + "/");
            return new MonitoringApp(app, emulator, url) { ExportsTraces = exportsTraces };
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    private static WebApplication Build(WebApplicationBuilder builder, RealtimeEmulator emulator, LoadOptions load, out bool exportsTraces)
    {
        void Firebase(FirebaseStoreOptions o)
        {
            o.DatabaseUrl = emulator.FirebaseUrl;
            o.Namespace = Namespace;
            o.UseEmulatorAdmin = true;
            o.QueueWritesWhileOffline = true;
            o.ReconnectInitialDelay = TimeSpan.FromMilliseconds(250);
        }

        void Ably(AblyChannelClientOptions o, string clientId)
        {
            o.Endpoint = emulator.AblyUrl;
            o.Key = emulator.AblyKeys[0];
            o.ClientId = clientId;
            o.UseBinaryProtocol = true;
            o.DisconnectedRetryTimeout = TimeSpan.FromSeconds(1);
        }

        // One connection per key, as separate processes or devices would have: a publisher and a subscriber per provider,
        // a writer and a watcher on the store.
        builder.Services.AddRealtime()
            .AddKeyedFirebaseStore(LoadGenerator.Writer, Firebase)
            .AddKeyedFirebaseStore(LoadGenerator.Watcher, Firebase)
            .AddKeyedFirebaseChannels(LoadGenerator.FirebasePublisher, o => { Firebase(o.Database); o.ClientId = "firebase-publisher"; })
            .AddKeyedFirebaseChannels(LoadGenerator.FirebaseSubscriber, o => { Firebase(o.Database); o.ClientId = "firebase-subscriber"; })
            .AddKeyedAblyChannels(LoadGenerator.AblyPublisher, o => Ably(o, "ably-publisher"))
            .AddKeyedAblyChannels(LoadGenerator.AblySubscriber, o => Ably(o, "ably-subscriber"))
            .UseTelemetry();
        builder.Services.AddHealthChecks()
            .AddRealtimeStoreHealthCheck(LoadGenerator.Writer)
            .AddRealtimeChannelClientHealthCheck(LoadGenerator.AblyPublisher);
        builder.Services.AddSingleton(emulator).AddSingleton(load).AddHostedService<LoadGenerator>();

        // The standard variable (or setting) turns the OTLP exporter on; without it traces go nowhere. The exporter reads
        // it, and the other OTEL_EXPORTER_OTLP_* settings (protocol, headers), from the configuration itself.
        exportsTraces = !string.IsNullOrEmpty(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var traces = exportsTraces;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics.AddMeter(RealtimeDiagnostics.Name).AddPrometheusExporter())
            .WithTracing(tracing =>
            {
                tracing.AddSource(RealtimeDiagnostics.Name);
                if (traces)
                {
                    tracing.AddOtlpExporter();
                }
            });

        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz");
        app.MapGet("/", () => Results.Text(
            "RealtimeAdapters monitoring sample: metrics at /metrics, probes at /healthz and /readyz; " +
            $"emulator metrics at {emulator.FirebaseUrl}metrics and {emulator.AblyUrl}metrics.\n"));
        return app;
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops the load and the host, then the emulator.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
