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
/// <c>auth_revoked</c> when the credential expires. A query stream sends the changes of its window.
/// </summary>
internal sealed class FirebaseEventStream
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
    private DataNode _window = DataNode.Null;

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
        DataNode root;
        lock (ns.WriteGate)
        {
            root = ns.Database.Root;
            FirebaseServer.AuthorizeRead(ns, identity, root, target.Path, query, server.NowMilliseconds());
            observation = ns.Database.ObserveWrites(target.Path, write => signals.TryWrite(new StreamSignal(StreamSignalKind.Write, write)));
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
            var stream = new FirebaseEventStream(server, ns, identity, target.Path, query, parameters.Export, response.BodyWriter, recheckPending);
            reason = await stream.PumpAsync(root, signals, cancellation.Token).ConfigureAwait(false);
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

    private async Task<string> PumpAsync(DataNode root, RealtimeSubscription<StreamSignal> signals, CancellationToken cancellationToken)
    {
        var initial = root.GetAt(_path);
        if (_query is not null)
        {
            initial = _query.Apply(initial);
            _window = initial;
        }

        WriteEvent("put", RealtimePath.Root, initial);
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
                    var write = signal.Write!;
                    if (!MayStillRead(write.NewRoot))
                    {
                        await CancelAsync(cancellationToken).ConfigureAwait(false);
                        return "permission revoked";
                    }

                    if (_query is null)
                    {
                        WriteChange(write);
                    }
                    else
                    {
                        WriteWindowChange(write.NewRoot);
                    }

                    break;
                case StreamSignalKind.KeepAlive:
                    WriteRaw("keep-alive", "null"u8);
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
                    WriteString("auth_revoked", FirebaseMessages.CredentialRevoked);
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
        WriteString("cancel", FirebaseMessages.PermissionDenied);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A write as the listened location sees it: a put or patch at its path below, or a put of the whole value.</summary>
    private void WriteChange(DatabaseWrite write)
    {
        var at = write.Path;
        if (write.Kind == DatabaseWriteKind.Set || write.Updates is null)
        {
            if (_path.IsAncestorOrSelf(at))
            {
                WriteEvent("put", _path.RelativeTo(at), write.NewRoot.GetAt(at));
            }
            else
            {
                WriteEvent("put", RealtimePath.Root, write.NewRoot.GetAt(_path));
            }

            return;
        }

        if (_path.IsAncestorOrSelf(at))
        {
            WritePatch(_path.RelativeTo(at), write.Updates.Keys.Select(relative => (relative, write.NewRoot.GetAt(at.Child(relative)))));
            return;
        }

        // An update above the listened location: keep the entries that reach it.
        var below = new List<(RealtimePath, DataNode)>();
        foreach (var relative in write.Updates.Keys)
        {
            var absolute = at.Child(relative);
            if (absolute.IsAncestorOrSelf(_path))
            {
                WriteEvent("put", RealtimePath.Root, write.NewRoot.GetAt(_path));
                return;
            }

            if (_path.IsAncestorOrSelf(absolute))
            {
                below.Add((_path.RelativeTo(absolute), write.NewRoot.GetAt(absolute)));
            }
        }

        if (below.Count > 0)
        {
            WritePatch(RealtimePath.Root, below);
        }
    }

    /// <summary>The difference between the window last sent and the window now, as a put or one patch.</summary>
    private void WriteWindowChange(DataNode newRoot)
    {
        var window = _query!.Apply(newRoot.GetAt(_path));
        var old = _window;
        if (window.Equals(old))
        {
            return;
        }

        _window = window;
        if (old.Kind != DataNodeKind.Object || window.Kind != DataNodeKind.Object)
        {
            WriteEvent("put", RealtimePath.Root, window);
            return;
        }

        var changed = new List<(RealtimePath, DataNode)>();
        foreach (var key in old.Children.Keys.Union(window.Children.Keys, StringComparer.Ordinal))
        {
            var now = window.GetChild(key);
            if (!now.Equals(old.GetChild(key)))
            {
                changed.Add((RealtimePath.Parse(key), now));
            }
        }

        if (changed.Count == 1)
        {
            WriteEvent("put", changed[0].Item1, changed[0].Item2);
        }
        else if (changed.Count > 1)
        {
            WritePatch(RealtimePath.Root, changed);
        }
    }

    private void WriteEvent(string name, RealtimePath path, DataNode data)
    {
        WriteHeader(name);
        using (var json = new Utf8JsonWriter(_output, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("path", path.ToString());
            json.WritePropertyName("data");
            data.WriteTo(json, _export);
            json.WriteEndObject();
        }

        _output.Write("\n\n"u8);
    }

    private void WritePatch(RealtimePath path, IEnumerable<(RealtimePath Relative, DataNode Value)> entries)
    {
        WriteHeader("patch");
        using (var json = new Utf8JsonWriter(_output, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("path", path.ToString());
            json.WriteStartObject("data");
            foreach (var (relative, value) in entries)
            {
                json.WritePropertyName(relative.ToString()[1..]);
                value.WriteTo(json, _export);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        _output.Write("\n\n"u8);
    }

    private void WriteString(string name, string data)
    {
        WriteHeader(name);
        using (var json = new Utf8JsonWriter(_output, WriterOptions))
        {
            json.WriteStringValue(data);
        }

        _output.Write("\n\n"u8);
    }

    private void WriteRaw(string name, ReadOnlySpan<byte> data)
    {
        WriteHeader(name);
        _output.Write(data);
        _output.Write("\n\n"u8);
    }

    private void WriteHeader(string name)
    {
        _output.Write("event: "u8);
        _output.Write(System.Text.Encoding.UTF8.GetBytes(name));
        _output.Write("\ndata: "u8);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client closed the stream.");
        }
    }
}
