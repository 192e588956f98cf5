using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase.Streaming;

/// <summary>
/// One Server-Sent-Events stream (<c>Accept: text/event-stream</c>): a <c>put</c> of the whole value at <c>/</c>, then a
/// <c>put</c> or <c>patch</c> per write as seen from the listened location (a multi-path update as one <c>patch</c>),
/// <c>keep-alive</c> at the configured interval, <c>cancel</c> when the rules stop allowing the read, and
/// <c>auth_revoked</c> when the credential expires. A query stream sends the changes of its window: the engine follows
/// the window (<see cref="QueryWindowFeed"/>, O(k log n) per write however many streams watch it) and the stream only
/// encodes each change.
/// </summary>
internal sealed class FirebaseEventStream : IDisposable
{
    private readonly FirebaseServer _server;
    private readonly FirebaseNamespace _ns;
    private readonly FirebaseIdentity _identity;
    private readonly RealtimePath _path;
    private readonly RealtimeQuery? _query;
    private readonly bool _export;
    private readonly PipeWriter _output;
    private readonly StrongBox<int> _recheckPending;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // For a query stream: whether the window last sent was empty (null), since entering or leaving emptiness is sent as a
    // put of the whole window rather than as per-child changes.
    private bool _windowEmpty;

    private Utf8JsonWriter? _json;

    private FirebaseEventStream(
        FirebaseServer server, FirebaseNamespace ns, FirebaseIdentity identity, RealtimePath path, RealtimeQuery? query, bool export, PipeWriter output,
        StrongBox<int> recheckPending)
    {
        _recheckPending = recheckPending;
        _server = server;
        _ns = ns;
        _identity = identity;
        _path = path;
        _query = query;
        _export = export;
        _output = output;
    }

    public static async Task RunAsync(
        FirebaseServer server, HttpContext context, FirebaseNamespace ns, FirebaseIdentity identity, FirebaseTarget target, FirebaseQueryParameters parameters)
    {
        if (target.IsPriority || parameters.Shallow)
        {
            throw FirebaseHttpException.BadRequest("Streams cannot listen to a priority or be shallow.");
        }

        var query = FirebaseServer.ReadQuery(parameters, target);
        if (query is { HasFilter: false })
        {
            // An order without a range or limit selects everything: the stream is the plain location's.
            query = null;
        }

        var options = server.Options;
        var signals = new RealtimeSubscription<StreamSignal>(new SubscriptionBufferOptions { Capacity = options.StreamBufferCapacity });
        IDisposable? observation = null;
        IDisposable? recheck = null;
        var recheckPending = new StrongBox<int>();
        DataNode initial;
        lock (ns.WriteGate)
        {
            var root = ns.Database.Root;
            FirebaseServer.AuthorizeRead(ns, identity, root, target.Path, query, server.NowMilliseconds());
            if (query is null)
            {
                // Registered and read in one step: a write that bypasses the gate (the database used directly) is either in
                // the initial value or reported, never both nor neither.
                DataNode start = DataNode.Null;
                observation = ns.Database.ObserveWrites(
                    target.Path, value => start = value, write => signals.TryWrite(new StreamSignal(StreamSignalKind.Write, write, Root: write.NewRoot)));
                initial = start;
            }
            else
            {
                (observation, initial) = FollowWindow(ns, query, signals);
            }

            if (!identity.IsAdmin)
            {
                // Rules may read anywhere (root.child(...)), so any write can revoke the read; with the open default
                // rules nothing can, and the check costs one comparison.
                recheck = ns.Database.ObserveWrites(RealtimePath.Root, _ =>
                {
                    if (!ReferenceEquals(ns.Rules, Rules.FirebaseRules.Open) && Interlocked.Exchange(ref recheckPending.Value, 1) == 0)
                    {
                        signals.TryWrite(new StreamSignal(StreamSignalKind.RulesChanged));
                    }
                });
            }
        }

        void OnRulesChanged(object? sender, EventArgs e) => signals.TryWrite(new StreamSignal(StreamSignalKind.RulesChanged));
        ns.RulesChanged += OnRulesChanged;
        var time = server.Time;
        using var keepAlive = time.CreateTimer(
            static state => ((RealtimeSubscription<StreamSignal>)state!).TryWrite(new StreamSignal(StreamSignalKind.KeepAlive)),
            signals,
            options.KeepAliveInterval,
            options.KeepAliveInterval);
        ITimer? expiry = null;
        if (identity.ExpiresAt is { } expiresAt)
        {
            var due = expiresAt - time.GetUtcNow();
            expiry = time.CreateTimer(
                static state => ((RealtimeSubscription<StreamSignal>)state!).TryWrite(new StreamSignal(StreamSignalKind.CredentialExpired)),
                signals,
                due < TimeSpan.Zero ? TimeSpan.Zero : due,
                Timeout.InfiniteTimeSpan);
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, server.Stopping);
        var reason = "closed";
        Log.StreamOpened(server.Logger, target.Path, ns.Name);
        try
        {
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            using var stream = new FirebaseEventStream(server, ns, identity, target.Path, query, parameters.Export, response.BodyWriter, recheckPending);
            reason = await stream.PumpAsync(initial, signals, cancellation.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionResetException or IOException)
        {
            reason = "disconnected";
        }
        finally
        {
            ns.RulesChanged -= OnRulesChanged;
            observation.Dispose();
            recheck?.Dispose();
            if (expiry is not null)
            {
                await expiry.DisposeAsync().ConfigureAwait(false);
            }

            await signals.DisposeAsync().ConfigureAwait(false);
            Log.StreamClosed(server.Logger, target.Path, ns.Name, reason);
        }
    }

    /// <summary>
    /// Registers the stream's window with the engine. The feed's first batch, delivered before it returns, is the window
    /// at registration, so that the initial put and the changes that follow it meet without a gap or an overlap, even
    /// for writes that do not pass the namespace's gate (<see cref="RealtimeEmulator.GetFirebaseDatabase"/>).
    /// </summary>
    private static (IDisposable Feed, DataNode Initial) FollowWindow(FirebaseNamespace ns, RealtimeQuery query, RealtimeSubscription<StreamSignal> signals)
    {
        DataNode? initial = null;
        var feed = QueryWindowFeed.Start(ns.Database, query, batch =>
        {
            if (batch.IsInitial)
            {
                initial = batch.Window;
                return true;
            }

            // Called under the database's write lock: only queue. The root is the tree just after this write, against
            // which the rules are checked again before the change is sent.
            return signals.TryWrite(new StreamSignal(StreamSignalKind.WindowChange, Window: batch, Root: ns.Database.Root));
        });

        if (initial is null)
        {
            feed.Dispose();
            throw new InvalidOperationException("The query feed did not report its initial window.");
        }

        return (feed, initial);
    }

    private async Task<string> PumpAsync(DataNode initial, RealtimeSubscription<StreamSignal> signals, CancellationToken cancellationToken)
    {
        _windowEmpty = initial.IsNull;
        WritePut(RealtimePath.Root, initial);
        await FlushAsync(cancellationToken).ConfigureAwait(false);

        await using var reader = signals.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await reader.MoveNextAsync().ConfigureAwait(false);
            }
            catch (SubscriptionOverflowException)
            {
                // The client reads too slowly to keep up: end the stream so that it reconnects and resynchronises.
                return "overflow";
            }

            if (!more)
            {
                return "ended";
            }

            var signal = reader.Current;
            switch (signal.Kind)
            {
                case StreamSignalKind.Write:
                case StreamSignalKind.WindowChange:
                    // The rules are checked against the tree as this write left it, before anything of it is sent.
                    if (!MayStillRead(signal.Root!))
                    {
                        await CancelAsync(cancellationToken).ConfigureAwait(false);
                        return "permission revoked";
                    }

                    if (signal.Write is { } write)
                    {
                        WriteChange(write);
                    }
                    else
                    {
                        WriteWindowChange(signal.Window!.Value);
                    }

                    break;
                case StreamSignalKind.KeepAlive:
                    WriteRaw("keep-alive"u8, "null"u8);
                    break;
                case StreamSignalKind.RulesChanged:
                    Volatile.Write(ref _recheckPending.Value, 0);
                    if (!MayStillRead(_ns.Database.Root))
                    {
                        await CancelAsync(cancellationToken).ConfigureAwait(false);
                        return "permission revoked";
                    }

                    break;
                case StreamSignalKind.CredentialExpired:
                    WriteString("auth_revoked"u8, FirebaseMessages.CredentialRevoked);
                    await FlushAsync(cancellationToken).ConfigureAwait(false);
                    return "credential expired";
            }

            if (signals.Count == 0)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool MayStillRead(DataNode root) =>
        _identity.IsAdmin ||
        _ns.Rules.CanRead(_identity.Auth, root, _path, Rules.FirebaseRules.QueryVariables(_query), _server.NowMilliseconds());

    private async Task CancelAsync(CancellationToken cancellationToken)
    {
        WriteString("cancel"u8, FirebaseMessages.PermissionDenied);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A write as the listened location sees it: a put or patch at its path below, or a put of the whole value.</summary>
    private void WriteChange(DatabaseWrite write)
    {
        switch (ScopedChange.Of(_path, write))
        {
            case { Value: { } value } overwrite:
                WritePut(_path.RelativeTo(overwrite.Path), value);
                break;
            case { Entries: { } entries } merge:
                WritePatch(_path.RelativeTo(merge.Path), entries);
                break;
        }
    }

    /// <summary>
    /// One write's change of the window, as the service sends it: a put of the whole window when it becomes or stops being
    /// empty; otherwise a put of the one child that entered, changed or left (null), or one patch of them all.
    /// </summary>
    private void WriteWindowChange(QueryWindowBatch batch)
    {
        var wasEmpty = _windowEmpty;
        _windowEmpty = batch.Window.IsNull;
        if (wasEmpty || _windowEmpty)
        {
            WritePut(RealtimePath.Root, batch.Window);
            return;
        }

        var changes = batch.Changes;
        if (changes.Count == 1)
        {
            WritePut(RealtimePath.Root.Child(changes[0].Key), changes[0].Value);
        }
        else if (changes.Count > 1)
        {
            WritePatch(RealtimePath.Root, changes);
        }
    }

    private void WritePut(RealtimePath path, DataNode data)
    {
        var json = BeginJson("put"u8);
        json.WriteStartObject();
        json.WriteString("path", path.ToString());
        json.WritePropertyName("data");
        data.WriteTo(json, _export);
        json.WriteEndObject();
        EndJson(json);
    }

    // A patch's key is the entry's path relative to the patch's path, without the leading slash.
    private void WritePatch(RealtimePath path, IEnumerable<KeyValuePair<string, DataNode>> entries)
    {
        var json = BeginJson("patch"u8);
        json.WriteStartObject();
        json.WriteString("path", path.ToString());
        json.WriteStartObject("data");
        foreach (var (key, value) in entries)
        {
            json.WritePropertyName(key);
            value.WriteTo(json, _export);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        EndJson(json);
    }

    private void WriteString(ReadOnlySpan<byte> name, string data)
    {
        var json = BeginJson(name);
        json.WriteStringValue(data);
        EndJson(json);
    }

    private void WriteRaw(ReadOnlySpan<byte> name, ReadOnlySpan<byte> data)
    {
        WriteHeader(name);
        _output.Write(data);
        _output.Write("\n\n"u8);
    }

    // One JSON writer serves every event of the stream, reset onto the output each time: no writer per event.
    private Utf8JsonWriter BeginJson(ReadOnlySpan<byte> name)
    {
        WriteHeader(name);
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_output, WriterOptions);
        }
        else
        {
            _json.Reset(_output);
        }

        return _json;
    }

    private void EndJson(Utf8JsonWriter json)
    {
        json.Flush();
        _output.Write("\n\n"u8);
    }

    private void WriteHeader(ReadOnlySpan<byte> name)
    {
        _output.Write("event: "u8);
        _output.Write(name);
        _output.Write("\ndata: "u8);
    }

    /// <summary>Lets go of the stream's JSON writer.</summary>
    public void Dispose() => _json?.Dispose();

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client closed the stream.");
        }
    }
}
