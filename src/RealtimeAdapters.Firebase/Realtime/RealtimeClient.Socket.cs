using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Realtime;

// RealtimeClient: the socket — connecting, the read and write loops, keepalive, reconnection with backoff, and the
// credential refresh on the open socket.
internal sealed partial class RealtimeClient
{
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
                    };

                    // The application's settings (proxy, certificates); a connect callback of its own still opens the stream.
                    _options.ConfigureRealtimeHandler?.Invoke(handler);
                    var connect = handler.ConnectCallback;
                    handler.ConnectCallback = async (context, ct) => stream = new WriteBatchingStream(
                        connect is null ? await ConnectTcpAsync(context.DnsEndPoint, ct).ConfigureAwait(false) : await connect(context, ct).ConfigureAwait(false));
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
