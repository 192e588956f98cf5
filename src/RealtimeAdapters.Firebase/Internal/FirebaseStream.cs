using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// One Server-Sent-Events stream per (path, query), shared by every watch on it and closed with the last one. Keeps the
/// normalised value of the location as the server last described it and derives each listener's events by diff.
/// Reconnects with backoff on end-of-stream, network errors, 5xx and idle silence; asks for a fresh token after
/// <c>auth_revoked</c> or a 401; fails its watches on <c>cancel</c> or a permission refusal.
/// </summary>
#pragma warning disable CA1001 // The lifetime source is cancelled, never disposed: its token may still be observed by the read loop after the stream ends.
internal sealed class FirebaseStream
#pragma warning restore CA1001
{
    private readonly FirebaseRealtimeStore _store;
    private readonly Lock _lock = new();
    private readonly List<Listener> _listeners = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _initial = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DataNode _cache = DataNode.Null;

    // Latency compensation: this store's unconfirmed writes touching the location, in issue order, laid over _cache.
    // _shown is the view the listeners were last told about (cache + overlay); every change is diffed against it.
    // _touched holds the unacknowledged writes whose change the stream already carried (their echo).
    private readonly List<LocalWrite> _overlay;
    private readonly HashSet<LocalWrite> _touched = [];
    private DataNode _shown = DataNode.Null;
    private bool _hasInitial;
    private bool _ended;

    public FirebaseStream(FirebaseRealtimeStore store, RealtimeQuery query, string key, List<LocalWrite>? overlay = null)
    {
        _store = store;
        Query = query;
        Key = key;
        _overlay = overlay ?? [];
    }

    public RealtimeQuery Query { get; }

    /// <summary>Completes when the first full value arrived (or the stream ended).</summary>
    public Task Initial => _initial.Task;

    public string Key { get; }

    /// <summary>How many times the stream connected (for tests and diagnostics).</summary>
    public int Connections { get; private set; }

    /// <summary>Adds a listener; false when the stream already ended (the caller makes a new one).</summary>
    public bool TryAdd(RealtimeSubscription<StoreEvent> subscription, StoreEventKind events, out bool first)
    {
        lock (_lock)
        {
            first = false;
            if (_ended)
            {
                return false;
            }

            var listener = new Listener(subscription, events);
            _listeners.Add(listener);
            first = _listeners.Count == 1 && Connections == 0 && !_hasInitial;
            if (_hasInitial)
            {
                Deliver(listener, MarkPending(ViewDiff.Initial(Query, _shown)));
            }

            return true;
        }
    }

    public void Start() => _ = Task.Run(() => RunAsync(_lifetime.Token));

    public void Remove(RealtimeSubscription<StoreEvent> subscription)
    {
        lock (_lock)
        {
            _listeners.RemoveAll(l => ReferenceEquals(l.Subscription, subscription));
            if (_listeners.Count > 0 || _ended)
            {
                return;
            }

            _ended = true;
        }

        _store.ForgetStream(this);
        _lifetime.Cancel();
        _initial.TrySetResult();
    }

    /// <summary>Ends the stream and its watches (with <paramref name="error"/>, or normally).</summary>
    public void End(Exception? error)
    {
        List<Listener> listeners;
        lock (_lock)
        {
            _ended = true;
            listeners = [.. _listeners];
            _listeners.Clear();
        }

        _store.ForgetStream(this);
        _lifetime.Cancel();
        _initial.TrySetResult();
        foreach (var l in listeners)
        {
            l.Subscription.Complete(error);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = _store.Options;
        var time = _store.Time;
        var failures = 0;
        var authRetried = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            RealtimeException? reason = null;
            try
            {
                _store.ConnectionState.Transition(ConnectionState.Connecting);
                var parameters = FirebaseHttp.QueryParameters(Query);
                parameters.Add(new("format", "export"));
                var uri = await _store.Http.BuildUriAsync(Query.Path, null, parameters, cancellationToken).ConfigureAwait(false);
                using var response = await _store.Http.SendOnceAsync(HttpMethod.Get, uri, null, static r =>
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
                        _store.ConnectionState.Transition(ConnectionState.Connected);
                        End(error);
                        return;
                    }

                    throw error;
                }

                authRetried = false;
                Connections++;
                _store.ConnectionState.Transition(ConnectionState.Connected);
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
            _store.ConnectionState.Transition(ConnectionState.Disconnected, reason, time.GetUtcNow() + delay);
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
        var options = _store.Options;
        using var idle = new CancellationTokenSource(options.IdleTimeout, _store.Time);
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
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            var before = _cache;
            var after = before;
            if (patch)
            {
                foreach (var entry in payload.EnumerateObject())
                {
                    after = SetAt(after, Combine(path, entry.Name), entry.Value);
                }
            }
            else
            {
                after = SetAt(after, path, payload);
            }

            _cache = after;
            if (_overlay.Count > 0)
            {
                // A change at a written location that makes the server's value agree with the write is the write's echo.
                // Once the write is also acknowledged the server's value stands on its own; an echo seen before the
                // acknowledgement is noted so the acknowledgement can let go at once. Any other change (an earlier
                // write's echo still in transit) leaves the write laid over the value, so the view never steps back.
                // A full value (a reconnect) is the server's whole truth: acknowledged writes are in it, or were
                // overwritten since, so they are let go even if it disagrees (an echo lost with the old connection).
                var changed = patch
                    ? payload.EnumerateObject().Select(e => ToPath(Combine(path, e.Name))).ToList()
                    : [ToPath(path)];
                var full = firstOfConnection && !patch;
                _overlay.RemoveAll(w =>
                {
                    if (full && w.Acknowledged)
                    {
                        _touched.Remove(w);
                        return true;
                    }

                    // A server value's result is only known to the database: until the acknowledgement reports it (or if it
                    // did not), a change that matches the write everywhere else is taken as its echo.
                    if (!changed.Any(w.Touches) || !Agrees(w, shape: w.HasServerValues))
                    {
                        return false;
                    }

                    if (w.Acknowledged)
                    {
                        _touched.Remove(w);
                        return true;
                    }

                    _touched.Add(w);
                    return false;
                });
            }

            if (!_hasInitial)
            {
                _hasInitial = true;
                _shown = Compose();
                var initial = MarkPending(ViewDiff.Initial(Query, _shown));
                foreach (var l in _listeners)
                {
                    Deliver(l, initial);
                }

                _initial.TrySetResult();
                return;
            }

            Refresh();
        }
    }

    /// <summary>Lays a local write over the view and reports the change at once, marked pending.</summary>
    public void AddWrite(LocalWrite write)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            _overlay.Add(write);
            Refresh();
        }
    }

    /// <summary>Puts <paramref name="replacement"/> in the place of <paramref name="write"/> (a transaction's next attempt) and reports the change once.</summary>
    public void ReplaceWrite(LocalWrite write, LocalWrite replacement)
    {
        lock (_lock)
        {
            _touched.Remove(write);
            var index = _overlay.IndexOf(write);
            if (index < 0 || _ended)
            {
                return;
            }

            _overlay[index] = replacement;
            Refresh();
        }
    }

    /// <summary>Takes a refused write out of the view and reports the rollback.</summary>
    public void RemoveWrite(LocalWrite write)
    {
        lock (_lock)
        {
            _touched.Remove(write);
            if (_overlay.Remove(write) && !_ended)
            {
                Refresh();
            }
        }
    }

    /// <summary>
    /// The database accepted <paramref name="write"/>. If the stream already carried its change the server value is
    /// trusted from now on; otherwise the write stays laid over it until its change arrives.
    /// </summary>
    public void Acknowledge(LocalWrite write)
    {
        lock (_lock)
        {
            // A write that changed nothing on the server has no echo: agreement with the server's value stands for it. A
            // write's server values were normally confirmed before this call, so the comparison is exact.
            if ((_touched.Remove(write) || Agrees(write, shape: write.HasServerValues)) && _overlay.Remove(write) && !_ended)
            {
                Refresh();
            }
            else if (!_ended && _overlay.Contains(write))
            {
                // Still laid over the view until its change arrives, now with the database's results for its server values
                // and no longer pending.
                Refresh();
            }
        }
    }

    private bool Agrees(LocalWrite write, bool shape = false)
    {
        var partial = Query.HasFilter;
        var laid = shape ? write.ApplyShapeTo(Query.Path, _cache, partial) : write.ApplyTo(Query.Path, _cache, partial);

        // A query's stream holds its window (and what the server sent around it): the write agrees when the selection does.
        return partial ? Query.Apply(laid).Equals(Query.Apply(_cache)) : laid.Equals(_cache);
    }

    private DataNode Compose()
    {
        var view = _cache;
        if (_overlay.Count == 0)
        {
            return view;
        }

        // A limited window holds the server's children up to its edge and nothing of those beyond it. A write that would
        // empty a place in it, or bring in a child from beyond its edge, needs children the stream does not hold: it is
        // left out of the view until its change arrives from the server.
        var limit = Query.LimitToFirst ?? Query.LimitToLast;
        var keyed = Query.StartAt?.Key is not null || Query.EndAt?.Key is not null;
        var window = limit is { } l && !keyed ? Query.Select(_cache) : null;
        if (window is not null && window.Count < limit)
        {
            // The server holds no more children in range than these: nothing lies beyond the edge.
            window = null;
        }

        foreach (var w in _overlay)
        {
            // A write whose echo already arrived is in the cache; laying its estimate again would count an increment twice.
            if (w.HasServerValues && _touched.Contains(w))
            {
                continue;
            }

            var next = w.ApplyTo(Query.Path, view, Query.HasFilter);
            if (window is null || WithinEdge(next, window))
            {
                view = next;
            }
        }

        return view;
    }

    private bool WithinEdge(DataNode view, IReadOnlyList<KeyValuePair<string, DataNode>> window)
    {
        var selected = Query.Select(view);
        if (selected.Count < window.Count)
        {
            return false;
        }

        var order = Query.Order;
        var first = Query.LimitToFirst is not null;
        var edge = first ? window[^1] : window[0];
        foreach (var child in selected)
        {
            var compared = order.Compare(child, edge);
            if (first ? compared > 0 : compared < 0)
            {
                return false;
            }
        }

        return true;
    }

    private void Refresh()
    {
        if (!_hasInitial)
        {
            return;
        }

        var view = Compose();
        var events = ViewDiff.Diff(Query, _shown, view);
        _shown = view;
        if (events.Count == 0)
        {
            return;
        }

        events = MarkPending(events);
        foreach (var l in _listeners)
        {
            Deliver(l, events);
        }
    }

    private List<StoreEvent> MarkPending(List<StoreEvent> events)
    {
        // A write whose echo already arrived shows the server's value: only the others make the view pending.
        if (!_overlay.Exists(w => !w.Acknowledged && !_touched.Contains(w)))
        {
            return events;
        }

        return events.ConvertAll(static e => e with { IsPending = true });
    }

    private RealtimePath ToPath(string relative)
    {
        var target = Query.Path;
        foreach (var s in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (s != ".priority")
            {
                target = target.Child(s);
            }
        }

        return target;
    }

    private static string Combine(string path, string relative) => path.TrimEnd('/') + "/" + relative;

    private static DataNode SetAt(DataNode cache, string path, JsonElement value)
    {
        var node = value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? DataNode.Null : DataNode.FromJson(value);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > 0 && segments[^1] == ".priority")
        {
            var parent = RealtimePath.Root;
            foreach (var s in segments[..^1])
            {
                parent = parent.Child(s);
            }

            return cache.SetAt(parent, cache.GetAt(parent).WithPriority(node));
        }

        var target = RealtimePath.Root;
        foreach (var s in segments)
        {
            target = target.Child(s);
        }

        return cache.SetAt(target, node);
    }

    private static void Deliver(Listener listener, List<StoreEvent> events)
    {
        foreach (var e in events)
        {
            if ((listener.Events & e.Kind) != 0 && !listener.Subscription.TryWrite(e))
            {
                return;
            }
        }
    }

    private sealed record Listener(RealtimeSubscription<StoreEvent> Subscription, StoreEventKind Events);
}
