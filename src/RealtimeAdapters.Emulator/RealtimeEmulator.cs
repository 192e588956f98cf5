using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RealtimeAdapters.Emulator.Ably;
using RealtimeAdapters.Emulator.Firebase;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator;

/// <summary>
/// A running emulator: Kestrel servers speaking the backends' wire protocols on loopback over the in-memory engine.
/// Start one with <see cref="StartAsync"/> and dispose it to stop (open streams end at once).
/// </summary>
/// <remarks>
/// Both front ends also answer <c>GET /healthz</c> (liveness), <c>GET /readyz</c> (200 once every front end listens, 503
/// before and while stopping) and <c>GET /metrics</c> (the emulator's metrics, meter <c>RealtimeAdapters.Emulator</c>, in
/// the Prometheus text format), before the protocol handler.
/// </remarks>
/// <example><code>
/// await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 } });
/// using var http = new HttpClient { BaseAddress = emulator.FirebaseUrl };
/// await http.PutAsync("/greeting.json", new StringContent("\"hello\""));
/// </code></example>
public sealed class RealtimeEmulator : IAsyncDisposable
{
    private readonly WebApplication? _firebaseApp;
    private readonly FirebaseServer? _firebase;
    private readonly Uri? _firebaseUrl;
    private readonly OperatorEndpoints _operator;
    private int _disposed;
    private WebApplication? _ablyApp;
    private AblyServer? _ably;
    private Uri? _ablyUrl;

    private RealtimeEmulator(EmulatorOptions options, OperatorEndpoints operatorEndpoints, WebApplication? firebaseApp, FirebaseServer? firebase, Uri? firebaseUrl)
    {
        Options = options;
        _operator = operatorEndpoints;
        _firebaseApp = firebaseApp;
        _firebase = firebase;
        _firebaseUrl = firebaseUrl;
    }

    /// <summary>The settings the emulator runs with (do not change them after the start).</summary>
    public EmulatorOptions Options { get; }

    /// <summary>The base address of the Firebase front end, e.g. <c>http://127.0.0.1:9000/</c>.</summary>
    /// <exception cref="InvalidOperationException">The Firebase front end is not enabled.</exception>
    public Uri FirebaseUrl => _firebaseUrl ?? throw new InvalidOperationException("The Firebase front end is not enabled (EmulatorOptions.Firebase.Enabled).");

    /// <summary>
    /// Starts an emulator and waits until it listens.
    /// </summary>
    /// <param name="options">The settings; defaults (Firebase on 127.0.0.1:9000) when omitted.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    /// <exception cref="RealtimeValidationException">A setting is invalid or the rules do not parse; the message says which.</exception>
    /// <exception cref="IOException">The port is taken or the rules file cannot be read.</exception>
    public static async Task<RealtimeEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmulatorOptions();
        options.Validate();
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        // Metrics and probes (/metrics, /healthz, /readyz) on every front end; ready once all of them listen.
        var operatorEndpoints = new OperatorEndpoints(new EmulatorMetrics(loggerFactory.CreateLogger("RealtimeAdapters.Emulator.Limits"), options.TimeProvider));
        WebApplication? firebaseApp = null;
        FirebaseServer? firebase = null;
        Uri? firebaseUrl = null;
        if (options.Firebase.Enabled)
        {
            var rules = options.Firebase.Rules;
            if (options.Firebase.RulesFile is { } file)
            {
                rules = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            }

            firebase = new FirebaseServer(options, rules, loggerFactory.CreateLogger("RealtimeAdapters.Emulator.Firebase"), operatorEndpoints.Metrics);
            // RFC 6455 pings find dead clients (whose onDisconnect writes must run); the SDKs answer them without any code.
            var realtime = new WebSocketOptions { KeepAliveInterval = options.Firebase.KeepAliveInterval, KeepAliveTimeout = options.Firebase.KeepAliveInterval * 2 };
            firebaseApp = BuildApp(options, options.Firebase.Port, loggerFactory, operatorEndpoints.For("Firebase"), firebase.HandleAsync, realtime, Hosting.BrowserAccess.Firebase);
            try
            {
                await firebaseApp.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await firebaseApp.DisposeAsync().ConfigureAwait(false);
                firebase.Dispose();
                operatorEndpoints.Metrics.Dispose();
                throw;
            }

            firebaseUrl = new Uri(firebaseApp.Urls.First() + "/");
            var logger = loggerFactory.CreateLogger("RealtimeAdapters.Emulator");
            Log.Listening(logger, "firebase", firebaseUrl);
        }

        var emulator = new RealtimeEmulator(options, operatorEndpoints, firebaseApp, firebase, firebaseUrl);
        if (options.Ably.Enabled)
        {
            try
            {
                await emulator.StartAblyAsync(loggerFactory, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await emulator.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        operatorEndpoints.Ready = true;
        return emulator;
    }

    /// <summary>The Ably front end's base address (<c>http://127.0.0.1:PORT/</c>; WebSocket on <c>ws://</c> at the same root).</summary>
    /// <exception cref="InvalidOperationException">The Ably front end is not enabled.</exception>
    public Uri AblyUrl => _ablyUrl ?? throw new InvalidOperationException("The Ably front end is not enabled (EmulatorOptions.Ably.Enabled).");

    /// <summary>The Ably API keys the emulator accepts, each <c>APP.KEY:SECRET</c>; the first is the default.</summary>
    /// <exception cref="InvalidOperationException">The Ably front end is not enabled.</exception>
    public IReadOnlyList<string> AblyKeys =>
        _ably?.Keys.Select(k => k.Key.ToKeyString()).ToList() ??
        throw new InvalidOperationException("The Ably front end is not enabled (EmulatorOptions.Ably.Enabled).");

    /// <summary>The channel hub behind the Ably front end, to seed or inspect channels from a test.</summary>
    /// <exception cref="InvalidOperationException">The Ably front end is not enabled.</exception>
    public InMemoryChannelHub AblyChannels =>
        _ably?.Hub ?? throw new InvalidOperationException("The Ably front end is not enabled (EmulatorOptions.Ably.Enabled).");

    /// <summary>
    /// Fault injection for the Ably realtime connections (drop a transport, send DISCONNECTED or AUTH, detach a channel,
    /// expire a connection, refuse connection attempts), for testing a client's connection state machine.
    /// </summary>
    /// <exception cref="InvalidOperationException">The Ably front end is not enabled.</exception>
    public AblyFaultInjector AblyFaults =>
        _ably?.Faults ?? throw new InvalidOperationException("The Ably front end is not enabled (EmulatorOptions.Ably.Enabled).");

    internal AblyServer? AblyServer => _ably;

    private async Task StartAblyAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("RealtimeAdapters.Emulator.Ably");
        _ably = new AblyServer(Options, logger, _operator.Metrics);
        // Pings keep ably-js's idle timer fed when it asks for heartbeats=false.
        _ablyApp = BuildApp(Options, Options.Ably.Port, loggerFactory, _operator.For("Ably"), _ably.HandleAsync, new WebSocketOptions { KeepAliveInterval = Options.Ably.MaxIdleInterval / 2 }, Hosting.BrowserAccess.Ably);
        await _ablyApp.StartAsync(cancellationToken).ConfigureAwait(false);
        _ablyUrl = new Uri(_ablyApp.Urls.First() + "/");
        Log.Listening(logger, "ably", _ablyUrl);
    }

    /// <summary>
    /// The database behind a Firebase namespace (created on first use), to seed or inspect data from a test. Writes made
    /// here reach open streams like writes over the wire, but bypass security rules.
    /// </summary>
    /// <param name="ns">The namespace (the <c>ns</c> query parameter); <see cref="FirebaseEmulatorOptions.DefaultNamespace"/> when omitted.</param>
    /// <exception cref="InvalidOperationException">The Firebase front end is not enabled.</exception>
    /// <exception cref="RealtimeValidationException">The name is not a valid namespace.</exception>
    public InMemoryDatabase GetFirebaseDatabase(string? ns = null)
    {
        var firebase = _firebase ?? throw new InvalidOperationException("The Firebase front end is not enabled (EmulatorOptions.Firebase.Enabled).");
        ns ??= Options.Firebase.DefaultNamespace;
        if (!FirebaseNamespaceName.IsValid(ns))
        {
            throw new RealtimeValidationException($"Invalid namespace \"{ns}\": {FirebaseNamespaceName.Rule}", ns);
        }

        return firebase.Namespaces.Get(ns).Database;
    }

    /// <summary>
    /// Test hook: answers the next <paramref name="count"/> Firebase requests of a namespace (REST calls and stream
    /// connections alike) with <c>307 Temporary Redirect</c>, as the service does to send a client to the server holding
    /// the data. The <c>Location</c> names the same resource under an alias path this emulator serves, with the
    /// credentials (<c>auth</c>, <c>access_token</c>) left out of its query, so only a client that applies them again
    /// is let in. <see cref="FirebaseRedirectsFollowed"/> counts the requests that arrived through the alias.
    /// </summary>
    /// <param name="count">How many requests to redirect (added to any still pending).</param>
    /// <param name="ns">The namespace; <see cref="FirebaseEmulatorOptions.DefaultNamespace"/> when omitted.</param>
    /// <exception cref="InvalidOperationException">The Firebase front end is not enabled.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public void RedirectFirebaseRequests(int count, string? ns = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var firebase = _firebase ?? throw new InvalidOperationException("The Firebase front end is not enabled (EmulatorOptions.Firebase.Enabled).");
        firebase.Redirects.Add(ns ?? Options.Firebase.DefaultNamespace, count);
    }

    /// <summary>
    /// Fault hook: cuts every open realtime (WebSocket) connection of a namespace at once, as a network failure would.
    /// Their onDisconnect writes run; clients see the socket end and reconnect.
    /// </summary>
    /// <param name="ns">The namespace; <see cref="FirebaseEmulatorOptions.DefaultNamespace"/> when omitted.</param>
    /// <returns>How many connections were cut.</returns>
    /// <exception cref="InvalidOperationException">The Firebase front end is not enabled.</exception>
    public int DropFirebaseConnections(string? ns = null)
    {
        var firebase = _firebase ?? throw new InvalidOperationException("The Firebase front end is not enabled (EmulatorOptions.Firebase.Enabled).");
        var dropped = firebase.Realtime.DropAll(firebase.Namespaces.Get(ns ?? Options.Firebase.DefaultNamespace));
        _operator.RecordFault(EmulatorLimits.Firebase, "drop_connections", dropped);
        return dropped;
    }

    /// <summary>
    /// Benchmark hook, internal (no endpoint reaches it, nothing calls it by default): from now on every open realtime
    /// connection of a namespace encodes its outbound messages in order but keeps them, until the hold is released; that
    /// sends them all at once. It lets a benchmark time clients against identical, already encoded pushes, without the
    /// emulator producing them.
    /// </summary>
    /// <param name="ns">The namespace; <see cref="FirebaseEmulatorOptions.DefaultNamespace"/> when omitted.</param>
    /// <exception cref="InvalidOperationException">The Firebase front end is not enabled.</exception>
    internal Firebase.Realtime.FirebaseOutboundHold HoldFirebaseOutbound(string? ns = null)
    {
        var firebase = _firebase ?? throw new InvalidOperationException("The Firebase front end is not enabled (EmulatorOptions.Firebase.Enabled).");
        return firebase.Realtime.HoldAll(firebase.Namespaces.Get(ns ?? Options.Firebase.DefaultNamespace));
    }

    /// <summary>How many Firebase requests arrived through the alias of <see cref="RedirectFirebaseRequests"/> (redirects followed).</summary>
    public long FirebaseRedirectsFollowed => _firebase?.Redirects.Followed ?? 0;

    /// <summary>Stops serving: open streams end, requests in flight get <see cref="EmulatorOptions.ShutdownTimeout"/> to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _operator.Ready = false;
        _firebase?.BeginStop();
        if (_firebaseApp is not null)
        {
            await _firebaseApp.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _firebaseApp.DisposeAsync().ConfigureAwait(false);
        }

        _firebase?.Dispose();
        _ably?.BeginStop();
        if (_ablyApp is not null)
        {
            await _ablyApp.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await _ablyApp.DisposeAsync().ConfigureAwait(false);
        }

        _ably?.Dispose();
        _operator.Metrics.Dispose();
    }

    // Each front end answers cross-origin requests as its service does (BrowserAccess's policies).
    private static WebApplication BuildApp(EmulatorOptions options, int port, ILoggerFactory loggerFactory, Func<HttpContext, RequestDelegate, Task> operatorEndpoints, RequestDelegate handler, WebSocketOptions webSockets, Hosting.BrowserAccess.Policy crossOrigin)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(RealtimeEmulator).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var address = EmulatorOptions.ParseHost(options.Host) ?? IPAddress.Loopback;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // The front end enforces its own body limit so that it can answer with the protocol's error shape.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(address, port);
        });
        builder.Services.AddSingleton<IHostLifetime, EmulatorHostLifetime>();
        builder.Services.AddSingleton<ILoggerFactory>(new Hosting.RedactingLoggerFactory(loggerFactory));
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        var app = builder.Build();
        app.UseWebSockets(webSockets);
        app.Use(operatorEndpoints);
        app.Use(Hosting.BrowserAccess.For(crossOrigin));

        app.Run(handler);
        return app;
    }
}
