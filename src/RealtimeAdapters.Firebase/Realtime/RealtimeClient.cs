using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>
/// The store's one realtime socket (<c>/.ws?v=5</c>, the protocol the official SDKs speak), multiplexing every listen and
/// request. Connects on first use; after the handshake it authenticates, sends every listen with the hash of its cache,
/// then the requests not yet answered, in issue order. Pushes are routed to the listens they concern; answers complete
/// their requests. A lost socket is reconnected with backoff and jitter; requests that cannot be repeated safely fail.
/// </summary>
#pragma warning disable CA1001 // The lifetime source is cancelled, never disposed: the loops may still observe its token.
internal sealed class RealtimeClient
#pragma warning restore CA1001
{

    // The SDKs' keepalive: a bare "0" after this long without sending anything.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(45);

    // The largest message taken from the database (a value may be up to 256 MB in the service's own limits).
    private const long MaxIncomingMessageBytes = 256L * 1024 * 1024;

    private readonly FirebaseRealtimeStore _store;
    private readonly FirebaseStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly RealtimeCredentials _credentials;
    private readonly Lock _gate = new();
    // The requests not answered yet, in issue order (a linked list: answers take them out from the front, one by one, in
    // constant time however many are in flight).
    private readonly LinkedList<RealtimeRequest> _queue = [];
    private readonly Dictionary<long, RealtimeRequest> _sent = [];
    private readonly List<RealtimeWatch> _listens = [];

    // A copy of _listens for the receive loop, replaced (under the gate) whenever the list changes: a push is routed
    // without taking the gate or allocating.
    private RealtimeWatch[] _listenSnapshot = [];
    private readonly Dictionary<long, RealtimeWatch> _listensByNumber = [];
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Channel<byte[]>? _outbound;
    private long _nextNumber;
    private long _nextTag;
    private string? _session;
    private int _started;
    private long _serverOffsetMs;

    // The request number of the credential sent on the current socket (0: none awaited).
    private long _authNumber;

    // The database sent a shutdown: this client is not taken back.
    private bool _shutDown;

    // Replaces an ID token on the open socket before it expires.
    private ITimer? _refresh;

    public RealtimeClient(FirebaseRealtimeStore store)
    {
        _store = store;
        _options = store.Options;
        _time = store.Time;
        _credentials = new RealtimeCredentials(store.Options);
    }

    /// <summary>The server's clock minus the local one, from the last handshake (Firebase's <c>.info/serverTimeOffset</c>).</summary>
    public TimeSpan ServerTimeOffset => TimeSpan.FromMilliseconds(Interlocked.Read(ref _serverOffsetMs));

    public long NextTag() => Interlocked.Increment(ref _nextTag);

    /// <summary>Starts the connection loop if it is not running yet.</summary>
    public void EnsureStarted()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(() => RunAsync(_lifetime.Token));
        }
    }

    /// <summary>Waits until the socket is connected (starting it if needed).</summary>
    public async Task WaitConnectedAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        Task connected;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            connected = _connected.Task;
        }

        await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a request (when connected; queued until then) and returns its answer. A request that is not sent within
    /// <see cref="FirebaseStoreOptions.RequestTimeout"/> fails, except a write when writes are queued while offline.
    /// </summary>
    public Task<RealtimeResponse> SendAsync(RealtimeRequest request, CancellationToken cancellationToken)
    {
        // A request cancelled before it is issued is never sent (once sent, it cannot be taken back).
        cancellationToken.ThrowIfCancellationRequested();
        EnsureStarted();
        bool sent;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_lifetime.IsCancellationRequested, this);
            request.QueueNode = _queue.AddLast(request);
            sent = _outbound is { } outbound;
            if (sent)
            {
                Send(_outbound!, request);
            }
        }

        // The timeout only fails a request still unsent (see Expire): one sent at once needs no timer, and with nothing to
        // cancel either, its answer is all there is to wait for. Once sent, a request is answered or failed when the socket
        // is lost.
        return sent && !cancellationToken.CanBeCanceled ? request.Answer : WaitAnswerAsync(request, sent, cancellationToken);
    }

    private async Task<RealtimeResponse> WaitAnswerAsync(RealtimeRequest request, bool sent, CancellationToken cancellationToken)
    {
        var waitsOffline = request.Kind == RealtimeRequestKind.Write && _options.QueueWritesWhileOffline;
        using var timeout = waitsOffline || sent ? null : new CancellationTokenSource(_options.RequestTimeout, _time);
        using var expire = timeout?.Token.Register(static state =>
        {
            var (client, r) = ((RealtimeClient, RealtimeRequest))state!;
            client.Expire(r);
        }, (this, request));
        try
        {
            return await request.Answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                // Not sent yet: it never will be. Sent: the answer is simply not waited for.
                if (request.Number == 0)
                {
                    Dequeue(request);
                }
            }

            throw;
        }
    }

    public void Listen(RealtimeWatch watch)
    {
        EnsureStarted();
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            _listens.Add(watch);
            _listenSnapshot = [.. _listens];
            if (_outbound is { } outbound)
            {
                SendListen(outbound, watch);
            }
        }
    }

    public void Unlisten(RealtimeWatch watch)
    {
        lock (_gate)
        {
            if (!_listens.Remove(watch))
            {
                return;
            }

            _listenSnapshot = [.. _listens];
            if (_outbound is not { } outbound)
            {
                return;
            }

            // The answer is not waited for: the listen is gone on this side whatever the server says.
            outbound.Writer.TryWrite(RealtimeWire.Envelope(++_nextNumber, "n", RealtimeWire.ListenBody(watch, hash: null)));
        }
    }

    /// <summary>Closes the socket (the server then runs this connection's on-disconnect writes) and fails what is pending.</summary>
    public async ValueTask DisposeAsync()
    {
        List<RealtimeRequest> pending;
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            _lifetime.Cancel();
            _refresh?.Dispose();
            pending = [.. _queue];
            _queue.Clear();
            _listens.Clear();
            _listenSnapshot = [];
            _outbound?.Writer.TryComplete();
        }

        foreach (var request in pending)
        {
            request.Fail(new ObjectDisposedException(nameof(FirebaseRealtimeStore), "The Firebase store was closed before the request was answered."));
        }

        if (Volatile.Read(ref _started) != 0)
        {
            // Wait (briefly) for the socket's close handshake, so the server learns of it now rather than at a timeout.
            await _stopped.Task.WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Expire(RealtimeRequest request)
    {
        lock (_gate)
        {
            if (request.Number != 0 || !Dequeue(request))
            {
                return;
            }
        }

        request.Fail(new RealtimeConnectionException(
            $"The Firebase {request.What} at {request.Path} was not sent: no connection to the database within {_options.RequestTimeout}.")
        {
            ProviderName = FirebaseRealtimeStore.Name,
            IsRetryable = true,
        });
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                _store.ConnectionState.Report(this, ConnectionState.Connecting);
                RealtimeException reason;
                var handshaken = false;
                try
                {
                    await _credentials.RefreshTokenAsync(cancellationToken).ConfigureAwait(false);
                    using var socket = new ClientWebSocket();

                    // The connection is opened here rather than by ClientWebSocket, so that its stream can gather the
                    // frames of a burst into one write (WriteBatchingStream); the handler lives as long as the socket.
                    WriteBatchingStream? stream = null;
                    using var handler = new SocketsHttpHandler
                    {
                        // As ClientWebSocket's own handler: no redirect is followed, no cookie kept, no connection pooled.
                        AllowAutoRedirect = false,
                        UseCookies = false,
                        PooledConnectionLifetime = TimeSpan.Zero,
                        ConnectCallback = async (context, ct) => stream = new WriteBatchingStream(await ConnectTcpAsync(context.DnsEndPoint, ct).ConfigureAwait(false)),
                    };
                    using var invoker = new HttpMessageInvoker(handler);
                    using (var connectTimeout = new CancellationTokenSource(_options.RequestTimeout, _time))
                    using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token))
                    {
                        await socket.ConnectAsync(SocketUri(), invoker, connecting.Token).ConfigureAwait(false);
                    }

                    (reason, handshaken) = await RunSocketAsync(socket, stream, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (RealtimeException ex)
                {
                    reason = ex;
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or System.Net.Http.HttpRequestException)
                {
                    reason = new RealtimeConnectionException($"The Firebase realtime connection failed: {ex.Message}", ex)
                    {
                        ProviderName = FirebaseRealtimeStore.Name,
                        IsRetryable = true,
                    };
                }

                OnDisconnected(reason);
                if (_shutDown)
                {
                    Abandon(reason);
                    return;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                failures = handshaken ? 0 : failures + 1;
                var delay = Backoff.Delay(_options, failures);
                var wait = Task.Delay(delay, _time, cancellationToken);
                _store.ConnectionState.Report(this, ConnectionState.Disconnected, reason, _time.GetUtcNow() + delay);
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
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>One socket's life: handshake, then messages until it ends. Returns why it ended and whether the handshake came.</summary>
    private async Task<(RealtimeException Reason, bool Handshaken)> RunSocketAsync(ClientWebSocket socket, WriteBatchingStream? stream, CancellationToken cancellationToken)
    {
        var outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var reader = new RealtimeSocketReader(socket, MaxIncomingMessageBytes);
        // The database sends nothing while nothing changes, so silence alone proves nothing: after IdleTimeout (on the
        // store's clock) without a message the client pings, and only a second IdleTimeout of silence means the
        // connection is dead. Every message received restarts the watch.
        using var idle = new CancellationTokenSource();
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        // The wait for the answer starts once the ping is on the wire (not when it is queued), so a clock that jumps
        // forward does not take the ping's own delay for the database's silence.
        var pinged = 0;
        using var watchdog = _time.CreateTimer(
            _ =>
            {
                if (Interlocked.Exchange(ref pinged, 1) == 0)
                {
                    outbound.Writer.TryWrite(RealtimeWire.Ping);
                }
                else
                {
                    idle.Cancel();
                }
            },
            null,
            _options.IdleTimeout,
            Timeout.InfiniteTimeSpan);
        var writer = WriteLoopAsync(socket, stream, outbound.Reader, idle, () => watchdog.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan));
        var handshaken = false;
        try
        {
            while (true)
            {
                var message = await reader.ReadAsync(reading.Token).ConfigureAwait(false);
                if (message is null)
                {
                    return (Lost("the database closed the connection"), handshaken);
                }

                Volatile.Write(ref pinged, 0);
                watchdog.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan);
                if (handshaken && RealtimeWire.TryReadOk(message.Value.Span, out var okNumber))
                {
                    // The answer to a write, in the layout the database sends it: read without a document.
                    var failure = OnAnswer(okNumber, "ok", RealtimeWire.EmptyString);
                    if (failure is not null)
                    {
                        return (failure, handshaken);
                    }

                    continue;
                }

                using var doc = JsonDocument.Parse(message.Value);
                var root = doc.RootElement;
                if (!root.TryGetProperty("t", out var layer) || !root.TryGetProperty("d", out var body))
                {
                    continue;
                }

                if (layer.ValueEquals("c"))
                {
                    var control = OnControl(body, outbound, ref handshaken);
                    if (control is not null)
                    {
                        return (control, handshaken);
                    }
                }
                else if (layer.ValueEquals("d") && handshaken)
                {
                    var failure = OnData(body);
                    if (failure is not null)
                    {
                        return (failure, handshaken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (Lost($"the connection did not answer a ping within {_options.IdleTimeout} after {_options.IdleTimeout} of silence"), handshaken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException or WebSocketException or IOException)
        {
            return (Lost(ex.Message, ex), handshaken);
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_outbound, outbound))
                {
                    _outbound = null;
                }
            }

            outbound.Writer.TryComplete();
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await CloseQuietlyAsync(socket).ConfigureAwait(false);
        }
    }

    private RealtimeConnectionException? OnControl(JsonElement body, Channel<byte[]> outbound, ref bool handshaken)
    {
        var kind = body.TryGetProperty("t", out var t) ? t.GetString() : null;
        var data = body.TryGetProperty("d", out var d) ? d : default;
        switch (kind)
        {
            case "h":
                if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty("ts", out var ts) && ts.TryGetInt64(out var serverNow))
                {
                    Interlocked.Exchange(ref _serverOffsetMs, serverNow - _time.GetUtcNow().ToUnixTimeMilliseconds());
                }

                _session = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("s", out var s) && s.GetString() is { Length: > 0 } session ? session : null;
                handshaken = true;
                OnHandshake(outbound);
                return null;
            case "s":
                // Shutdown: the service will not take this client back; reconnecting would only be refused again.
                _shutDown = true;
                return new RealtimeConnectionException($"The Firebase database shut the connection down: {(data.ValueKind == JsonValueKind.String ? data.GetString() : "no reason given")}")
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                };
            case "r":
                return Lost("the database asked the client to reconnect");
            default:
                // Pongs, errors for the log, and the long-polling upgrade messages need no answer.
                return null;
        }
    }

    private void OnHandshake(Channel<byte[]> outbound)
    {
        var (auth, body) = _credentials.Credential();
        lock (_gate)
        {
            if (_lifetime.IsCancellationRequested)
            {
                return;
            }

            _outbound = outbound;

            // Order matters (as the SDKs do it): the credential, then every listen with its hash, then the requests.
            if (auth is not null)
            {
                var number = ++_nextNumber;
                _authNumber = number;
                outbound.Writer.TryWrite(RealtimeWire.Envelope(number, auth, body!));
                ScheduleRefresh(outbound);
            }

            foreach (var watch in _listens)
            {
                SendListen(outbound, watch);
            }

            foreach (var request in _queue)
            {
                Send(outbound, request);
            }
        }

        // Reported before the waiters are released, so that a caller of ConnectAsync sees Connected.
        _store.ConnectionState.Report(this, ConnectionState.Connected);
        lock (_gate)
        {
            _connected.TrySetResult();
        }
    }

    private RealtimeAuthenticationException? OnData(JsonElement body)
    {
        if (body.TryGetProperty("r", out var r) && r.TryGetInt64(out var number))
        {
            var answer = body.TryGetProperty("b", out var b) ? b : default;
            var status = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("s", out var st) ? st.GetString() ?? "" : "";
            var data = answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("d", out var dd) ? dd : default;
            return OnAnswer(number, status, data);
        }

        if (!body.TryGetProperty("a", out var a) || !body.TryGetProperty("b", out var push) || push.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // The action compared in place: reading it as a string would allocate one per push.
        var merge = a.ValueEquals("m"u8);
        if (merge || a.ValueEquals("d"u8))
        {
            OnDataPush(merge, push);
            return null;
        }

        switch (a.GetString())
        {
            case "c":
                OnRevoked(push);
                return null;
            case "ac":
                // The credential was revoked (expired): reconnect, which asks the token provider again.
                return new RealtimeAuthenticationException($"The Firebase database revoked the credential: {RealtimeWire.ReadReason(push)}")
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                    IsRetryable = true,
                };
            default:
                return null;
        }
    }

    private RealtimeAuthenticationException? OnAnswer(long number, string status, JsonElement data)
    {
        RealtimeRequest? request;
        RealtimeWatch? listen;
        lock (_gate)
        {
            if (number == _authNumber)
            {
                _authNumber = 0;
                return status == "ok"
                    ? null
                    : new RealtimeAuthenticationException($"The Firebase database refused the credential ({status}).")
                    {
                        ProviderName = FirebaseRealtimeStore.Name,
                        IsRetryable = true,
                    };
            }

            if (_sent.Remove(number, out request))
            {
                Dequeue(request);
            }

            _listensByNumber.Remove(number, out listen);
        }

        if (request is not null)
        {
            // The answer outlives its message: a copy, except for a write's "ok" and its empty string (a copy would cost a
            // document per write).
            var written = request.Kind == RealtimeRequestKind.Write && data.ValueKind == JsonValueKind.String && data.ValueEquals(""u8);
            request.Complete(status, written || data.ValueKind == JsonValueKind.Undefined ? default : data.Clone());
        }

        if (listen is not null)
        {
            if (status == "ok")
            {
                listen.OnListening();
            }
            else
            {
                listen.End(new RealtimePermissionException($"Firebase refused the watch of {listen.Query.Path} ({status}).") { ProviderName = FirebaseRealtimeStore.Name });
            }
        }

        return null;
    }

    private void OnDataPush(bool merge, JsonElement push)
    {
        var path = push.TryGetProperty("p", out var p) ? p.GetString() ?? "/" : "/";
        var data = push.TryGetProperty("d", out var d) ? d : default;
        long? tag = push.TryGetProperty("t", out var t) && t.TryGetInt64(out var n) ? n : null;
        var (at, isPriority) = RealtimeWire.WirePath(path);
        List<(RealtimePath Path, DataNode Value, bool IsPriority)> entries;
        if (merge)
        {
            entries = [];
            if (data.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in data.EnumerateObject())
                {
                    var (relative, priority) = RealtimeWire.WirePath(entry.Name);
                    entries.Add((at.Child(relative), ServerChange.ReadValue(entry.Value), priority));
                }
            }
        }
        else
        {
            // An overwrite (most pushes): one change per listen concerned, without the lists a merge needs.
            var value = ServerChange.ReadValue(data);
            foreach (var watch in Volatile.Read(ref _listenSnapshot))
            {
                if (watch.Tag == tag && RealtimeWire.TryChangeFor(watch.Query.Path, at, value, isPriority, out var change))
                {
                    watch.OnPush([change]);
                }
            }

            return;
        }

        foreach (var watch in Volatile.Read(ref _listenSnapshot))
        {
            if (watch.Tag != tag)
            {
                continue;
            }

            var changes = RealtimeWire.ChangesFor(watch.Query.Path, entries);
            if (changes.Count > 0)
            {
                watch.OnPush(changes);
            }
        }
    }

    private void OnRevoked(JsonElement push)
    {
        var (path, _) = RealtimeWire.WirePath(push.TryGetProperty("p", out var p) ? p.GetString() ?? "/" : "/");
        List<RealtimeWatch> revoked;
        lock (_gate)
        {
            revoked = [.. _listens.Where(w => w.Query.Path == path)];
        }

        foreach (var watch in revoked)
        {
            watch.End(new RealtimePermissionException($"Firebase cancelled the watch of {path}: permission denied.") { ProviderName = FirebaseRealtimeStore.Name });
        }
    }

    private void OnDisconnected(RealtimeException reason)
    {
        List<RealtimeRequest> failed = [];
        lock (_gate)
        {
            _outbound = null;
            _sent.Clear();
            _listensByNumber.Clear();
            _authNumber = 0;
            if (_connected.Task.IsCompleted)
            {
                _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            // What was sent and not answered may or may not have been applied: only writes queued for offline use are
            // sent again (as the SDKs do); the rest fail. What was never sent waits for the next connection.
            for (var node = _queue.First; node is not null;)
            {
                var next = node.Next;
                var r = node.Value;
                if (r.Number == 0 || (r.Kind == RealtimeRequestKind.Write && _options.QueueWritesWhileOffline))
                {
                    r.Number = 0;
                }
                else
                {
                    Dequeue(r);
                    failed.Add(r);
                }

                node = next;
            }
        }

        foreach (var request in failed)
        {
            request.Fail(new RealtimeConnectionException(
                $"The connection to Firebase was lost before the {request.What} at {request.Path} was answered; it may or may not have been applied.", reason)
            {
                ProviderName = FirebaseRealtimeStore.Name,
                IsRetryable = true,
            });
        }
    }

    /// <summary>The database will not take this client back: every listen and request ends with <paramref name="reason"/>.</summary>
    private void Abandon(RealtimeException reason)
    {
        List<RealtimeRequest> requests;
        List<RealtimeWatch> listens;
        lock (_gate)
        {
            _lifetime.Cancel();
            requests = [.. _queue];
            listens = [.. _listens];
            _queue.Clear();
            _listens.Clear();
            _listenSnapshot = [];
        }

        foreach (var request in requests)
        {
            request.Fail(reason);
        }

        foreach (var listen in listens)
        {
            listen.End(reason);
        }

        _store.ConnectionState.Report(this, ConnectionState.Failed, reason);
    }

    /// <summary>Takes a request out of the queue; false when it was not in it. Called under the gate.</summary>
    private bool Dequeue(RealtimeRequest request)
    {
        var node = request.QueueNode;
        request.QueueNode = null;

        // A node the queue no longer holds (it was cleared at the end) is not removed twice.
        if (node?.List is null)
        {
            return false;
        }

        _queue.Remove(node);
        return true;
    }

    private void Send(Channel<byte[]> outbound, RealtimeRequest request)
    {
        var number = ++_nextNumber;
        request.Number = number;
        _sent[number] = request;
        outbound.Writer.TryWrite(RealtimeWire.Envelope(number, request.Action, request.Body));
    }

    private void SendListen(Channel<byte[]> outbound, RealtimeWatch watch)
    {
        var number = ++_nextNumber;
        _listensByNumber[number] = watch;
        outbound.Writer.TryWrite(RealtimeWire.Envelope(number, "q", RealtimeWire.ListenBody(watch, watch.BeginListen())));
    }

    /// <summary>
    /// With a token provider, an ID token is replaced on the open socket before it expires (five minutes before, or
    /// halfway through a shorter life): the database re-checks the listens against the new credential and the socket
    /// stays up. Called under the gate.
    /// </summary>
    private void ScheduleRefresh(Channel<byte[]> outbound)
    {
        _refresh?.Dispose();
        _refresh = _credentials.RefreshDue(_time.GetUtcNow()) is { } due
            ? _time.CreateTimer(_ => _ = RefreshOnSocketAsync(outbound), null, due, Timeout.InfiniteTimeSpan)
            : null;
    }

    private async Task RefreshOnSocketAsync(Channel<byte[]> outbound)
    {
        try
        {
            await _credentials.RefreshTokenAsync(_lifetime.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failing token provider only leaves the current token in use; the next connection asks again.
        catch (Exception)
#pragma warning restore CA1031
        {
            return;
        }

        var (action, body) = _credentials.Credential();
        lock (_gate)
        {
            if (action is null || !ReferenceEquals(_outbound, outbound))
            {
                return;
            }

            var number = ++_nextNumber;
            _authNumber = number;
            outbound.Writer.TryWrite(RealtimeWire.Envelope(number, action, body!));
            ScheduleRefresh(outbound);
        }
    }

    private Uri SocketUri()
    {
        var (baseUrl, ns) = (_store.Http.BaseUrl, _store.Http.Namespace);
        var http = new Uri(baseUrl + "/");
        var scheme = http.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        var query = new StringBuilder("v=5");
        if (_session is { } session)
        {
            query.Append("&ls=").Append(Uri.EscapeDataString(session));
        }

        // The namespace is the database's first DNS label (my-db.firebaseio.com), as REST reads it from the host; an address
        // without such a label (the emulator on 127.0.0.1) gets none, so the emulator serves its default database.
        var labels = http.Host.Split('.');
        var name = ns ?? (http.HostNameType == UriHostNameType.Dns && labels.Length >= 3 ? labels[0] : null);
        if (name is not null)
        {
            query.Append("&ns=").Append(Uri.EscapeDataString(name));
        }
        return new UriBuilder(http) { Scheme = scheme, Path = "/.ws", Query = query.ToString() }.Uri;
    }

    private async Task WriteLoopAsync(ClientWebSocket socket, WriteBatchingStream? stream, ChannelReader<byte[]> messages, CancellationTokenSource idle, Action pingSent)
    {
        try
        {
            while (true)
            {
                // The SDK's keepalive: a bare "0" after 45 s without sending anything.
                using var quiet = new CancellationTokenSource(KeepAliveInterval, _time);
                bool more;
                try
                {
                    more = await messages.WaitToReadAsync(quiet.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (quiet.IsCancellationRequested)
                {
                    await socket.SendAsync("0"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                // Everything queued now goes out in one write of the connection (a burst of pipelined requests).
                stream?.Hold();
                var pinged = false;
                try
                {
                    while (messages.TryRead(out var message))
                    {
                        foreach (var frame in FrameSplitter.Split(message))
                        {
                            await socket.SendAsync(frame, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
                        }

                        pinged |= ReferenceEquals(message, RealtimeWire.Ping);
                    }
                }
                finally
                {
                    if (stream is not null)
                    {
                        await stream.SendHeldAsync(CancellationToken.None).ConfigureAwait(false);
                    }
                }

                if (pinged)
                {
                    pingSent();
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The socket broke: the reader sees it too and ends this connection.
            await idle.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A TCP connection to the database (or its proxy), as the default handler would open it.</summary>
    private static async ValueTask<Stream> ConnectTcpAsync(System.Net.DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Closing a broken socket has nothing left to tell the server.
        }
    }

    private static RealtimeConnectionException Lost(string why, Exception? inner = null) =>
        new($"The Firebase realtime connection was lost: {why}.", inner)
        {
            ProviderName = FirebaseRealtimeStore.Name,
            IsRetryable = true,
        };

}
