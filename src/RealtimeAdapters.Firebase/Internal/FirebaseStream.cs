using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// One Server-Sent-Events stream per (path, query), shared by every watch on it and closed with the last one. Each
/// <c>put</c> or <c>patch</c> is applied to the stream's <see cref="WatchedView"/>, whose local tree on the shared engine
/// raises the listeners' events. Reconnects with backoff on end-of-stream, network errors, 5xx and idle silence; asks for
/// a fresh token after <c>auth_revoked</c> or a 401; fails its watches on <c>cancel</c> or a permission refusal.
/// </summary>
#pragma warning disable CA1001 // The lifetime source is cancelled, never disposed: its token may still be observed by the read loop after the stream ends.
internal sealed class FirebaseStream : FirebaseWatch
#pragma warning restore CA1001
{
    private readonly CancellationTokenSource _lifetime = new();

    public FirebaseStream(FirebaseRealtimeStore store, RealtimeQuery query, string key, List<LocalWrite>? overlay = null)
        : base(store, query, key, overlay)
    {
    }

    /// <summary>How many times the stream connected (for tests and diagnostics).</summary>
    public int Connections { get; private set; }

    protected override bool Started => Connections > 0;

    public override void Start() => _ = Task.Run(() => RunAsync(_lifetime.Token));

    protected override void Stop()
    {
        _lifetime.Cancel();
        Store.ConnectionState.Forget(this);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = Store.Options;
        var time = Store.Time;
        var failures = 0;
        var authRetried = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            RealtimeException? reason = null;
            try
            {
                Store.ConnectionState.Report(this, ConnectionState.Connecting);
                var parameters = FirebaseHttp.QueryParameters(Query);
                parameters.Add(new("format", "export"));
                var uri = await Store.Http.BuildUriAsync(Query.Path, null, parameters, cancellationToken).ConfigureAwait(false);
                using var response = await Store.Http.SendOnceAsync(HttpMethod.Get, uri, null, static r =>
                {
                    r.Headers.Accept.ParseAdd("text/event-stream");
                    r.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoCache = true };
                }, stream: true, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                    var error = FirebaseHttp.MapError(response.StatusCode, FirebaseHttp.ReadError(bytes), Query.Path, "watch");
                    if (error is RealtimeAuthenticationException && !authRetried)
                    {
                        // Refresh and retry once: an expired token is routine, not fatal.
                        authRetried = true;
                        continue;
                    }

                    if (!error.IsRetryable && response.StatusCode != HttpStatusCode.InternalServerError)
                    {
                        // The database answered: it is reachable, this watch is refused.
                        Store.ConnectionState.Report(this, ConnectionState.Connected);
                        End(error);
                        return;
                    }

                    throw error;
                }

                authRetried = false;
                Connections++;
                Store.ConnectionState.Report(this, ConnectionState.Connected);
                var outcome = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
                switch (outcome)
                {
                    case ReadOutcome.Cancelled:
                        return;
                    case ReadOutcome.AuthRevoked:
                        failures = 0;
                        continue;
                    case ReadOutcome.Received:
                        failures = 0;
                        break;
                }

                reason = new RealtimeConnectionException($"The stream of {Query.Path} ended.") { ProviderName = FirebaseRealtimeStore.Name, IsRetryable = true };
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                reason = new RealtimeConnectionException($"The stream of {Query.Path} was silent for longer than {options.IdleTimeout}.")
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                    IsRetryable = true,
                };
            }
            catch (RealtimeException ex)
            {
                reason = ex;
            }
#pragma warning disable CA1031 // Any failure of one connection (network, a malformed event, a throwing token provider) leads to a reconnect, never to a silently dead stream.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                reason = new RealtimeConnectionException($"The stream of {Query.Path} failed: {ex.Message}", ex)
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                    IsRetryable = true,
                };
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var delay = Backoff.Delay(options, failures++);

            // The timer starts before the state is published, so an observer that reacts to RetryAt (or moves a fake
            // clock) cannot outrun it.
            var wait = Task.Delay(delay, time, cancellationToken);
            Store.ConnectionState.Report(this, ConnectionState.Disconnected, reason, time.GetUtcNow() + delay);
            try
            {
                await wait.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private enum ReadOutcome
    {
        Ended,
        Received,
        AuthRevoked,
        Cancelled,
    }

    private async Task<ReadOutcome> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var options = Store.Options;
        using var idle = new CancellationTokenSource(options.IdleTimeout, Store.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        // Disposing the response aborts a read blocked in the socket at once, whatever the handler does with tokens.
        using var abort = linked.Token.Register(static r => ((HttpResponseMessage)r!).Dispose(), response);
        var body = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
        await using var _ = body.ConfigureAwait(false);
        var parser = SseParser.Create(body, static (type, data) => data.ToArray());
        var received = ReadOutcome.Ended;
        var first = true;
        await foreach (var item in parser.EnumerateAsync(linked.Token).ConfigureAwait(false))
        {
            idle.CancelAfter(options.IdleTimeout);
            switch (item.EventType)
            {
                case "put":
                case "patch":
                    Apply(item.EventType == "patch", item.Data, firstOfConnection: first);
                    first = false;
                    received = ReadOutcome.Received;
                    break;
                case "keep-alive":
                    break;
                case "cancel":
                    End(new RealtimePermissionException($"Firebase cancelled the watch of {Query.Path}: {ReadString(item.Data) ?? "permission denied"}")
                    {
                        ProviderName = FirebaseRealtimeStore.Name,
                    });
                    return ReadOutcome.Cancelled;
                case "auth_revoked":
                    return ReadOutcome.AuthRevoked;
            }
        }

        return received;
    }

    private static string? ReadString(byte[] data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            return doc.RootElement.ValueKind == JsonValueKind.String ? doc.RootElement.GetString() : doc.RootElement.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <param name="patch">Whether the event is a patch (else a put).</param>
    /// <param name="data">The event's data.</param>
    /// <param name="firstOfConnection">
    /// Whether it is the first event of a connection: the full value the service sends on every (re)connect. A later put
    /// at "/" is an ordinary write at the watched location (possibly an earlier write's echo), not the whole truth.
    /// </param>
    internal void Apply(bool patch, byte[] data, bool firstOfConnection)
    {
        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        var path = root.GetProperty("path").GetString() ?? "/";
        var payload = root.TryGetProperty("data", out var d) ? d : default;
        List<ServerChange> changes;
        if (patch)
        {
            changes = [];
            var prefix = path.TrimEnd('/') + "/";
            foreach (var entry in payload.EnumerateObject())
            {
                changes.Add(ServerChange.At(prefix + entry.Name, ServerChange.ReadValue(entry.Value)));
            }
        }
        else
        {
            changes = [ServerChange.At(path, ServerChange.ReadValue(payload))];
        }

        ApplyServer(changes, full: firstOfConnection && !patch);
    }

}
