using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// What an operator hosting the emulator needs, on every front end and answered before the protocol handler: <c>GET
/// /metrics</c> (the emulator's metrics in the Prometheus text format), <c>GET /healthz</c> (liveness: the process serves
/// requests) and <c>GET /readyz</c> (readiness: every front end started and none is stopping; 503 otherwise). Every other
/// request is measured: WebSocket connections open and their lifetimes, request durations, refusals and failures. The
/// three paths cannot collide with the protocols: Firebase data paths end in <c>.json</c> and its socket is
/// <c>/.ws</c>; Ably has no such routes.
/// </summary>
internal sealed class OperatorEndpoints(EmulatorMetrics metrics)
{
    private volatile bool _ready;

    /// <summary>Whether <c>/readyz</c> answers 200: set once every front end listens, cleared when the emulator stops.</summary>
    public bool Ready
    {
        get => _ready;
        set => _ready = value;
    }

    public EmulatorMetrics Metrics => metrics;

    /// <summary>The middleware of one front end; <paramref name="provider"/> tags its measurements (<c>Firebase</c>, <c>Ably</c>).</summary>
    public Func<HttpContext, RequestDelegate, Task> For(string provider)
    {
        var tag = new KeyValuePair<string, object?>(RealtimeDiagnostics.ProviderTag, provider);
        return (context, next) => HandleAsync(context, next, tag);
    }

    private async Task HandleAsync(HttpContext context, RequestDelegate next, KeyValuePair<string, object?> provider)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            switch (request.Path.Value)
            {
                case "/metrics":
                    await WriteAsync(context, StatusCodes.Status200OK, PrometheusExposition.ContentType, metrics.Exposition.Write()).ConfigureAwait(false);
                    return;
                case "/healthz":
                    await WriteAsync(context, StatusCodes.Status200OK, "text/plain; charset=utf-8", "ok\n").ConfigureAwait(false);
                    return;
                case "/readyz":
                    var ready = Ready;
                    await WriteAsync(context, ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, "text/plain; charset=utf-8", ready ? "ready\n" : "not ready\n").ConfigureAwait(false);
                    return;
            }
        }

        var webSocket = context.WebSockets.IsWebSocketRequest;

        // Real elapsed time, even when a test runs the emulator on a fake clock (EmulatorOptions.TimeProvider).
        var started = Stopwatch.GetTimestamp();
        if (webSocket)
        {
            metrics.ConnectionsActive.Add(1, provider);
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            metrics.Errors.Add(1, provider, new(RealtimeDiagnostics.ErrorTypeTag, ex.GetType().FullName));
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var status = context.Response.StatusCode;
            if (webSocket)
            {
                metrics.ConnectionsActive.Add(-1, provider);
            }

            // A socket accepted is a connection whatever its closing status; one refused is a request like any other.
            if (webSocket && status == StatusCodes.Status101SwitchingProtocols)
            {
                metrics.ConnectionDuration.Record(elapsed, provider);
            }
            else
            {
                metrics.RequestDuration.Record(elapsed, provider, new("http.response.status_code", status));
                if (status >= 400)
                {
                    metrics.Errors.Add(1, provider, new(RealtimeDiagnostics.ErrorTypeTag, status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }
            }
        }
    }

    /// <summary>Counts a fault injected through a test hook, e.g. <c>drop_connections</c>.</summary>
    public void RecordFault(string provider, string fault, long count) => metrics.RecordFault(provider, fault, count);

    private static async Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-store";
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
