using RealtimeAdapters.Firebase.Protocol;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Emulator.Firebase.Auth;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// One realtime WebSocket connection (<c>/.ws</c>): sends the handshake, reads frames into messages, serves the requests
/// strictly one after the other (the SDK sends <c>auth</c> and then its listens without waiting), and when the socket
/// closes runs the connection's onDisconnect writes after everything it sent before. A client that breaks the protocol
/// gets an error and is closed; nothing it sent is applied, and every other connection goes on.
/// </summary>
internal sealed class RealtimeConnection : IDisposable
{
    private static long _count;
    private readonly RealtimeEndpoint _endpoint;
    private readonly HttpContext _http;
    private readonly CancellationTokenSource _closing;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly FrameAssembler _frames;
    private readonly RealtimeRequestHandler _requests;
    private ITimer? _splitTimer;
    private ITimer? _idleTimer;
    private volatile bool _stopServing;
    private string? _endReason;

    public RealtimeConnection(RealtimeEndpoint endpoint, HttpContext http, FirebaseNamespace ns, string sessionId)
    {
        _endpoint = endpoint;
        _http = http;
        Namespace = ns;
        SessionId = sessionId;
        Id = Interlocked.Increment(ref _count);
        _closing = CancellationTokenSource.CreateLinkedTokenSource(endpoint.Server.Stopping, http.RequestAborted);
        _frames = new FrameAssembler(Server.Options.MaxRequestBodySize);
        Sender = new RealtimeSender(this, Server.Options.StreamBufferCapacity, Server.Logger);
        Access = new RealtimeAccess(this);
        _requests = new RealtimeRequestHandler(this);
    }

    /// <summary>A number for log lines (the session id is not logged: it lets a new connection take this one over).</summary>
    public long Id { get; }

    public string SessionId { get; }

    public FirebaseNamespace Namespace { get; }

    public FirebaseServer Server => _endpoint.Server;

    public RealtimeSender Sender { get; }

    public RealtimeListens Listens { get; } = new();

    /// <summary>The onDisconnect writes, kept as the engine keeps them for every store; run when the request loop ends.</summary>
    public DisconnectOperations Disconnects { get; } = new();

    /// <summary>Who the connection is, and the re-checks of what it may still read.</summary>
    public RealtimeAccess Access { get; }

    /// <summary>Completes once the connection has ended and its onDisconnect writes have run.</summary>
    public Task Ended => _ended.Task;

    public async Task RunAsync(string? previousSession)
    {
        using var socket = await _http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        var writer = Sender.RunAsync(socket);
        try
        {
            if (previousSession is not null)
            {
                // A client reconnecting names its previous session: if that one is still open here (a half-open socket),
                // end it and run its onDisconnect writes first, so that they cannot undo what this connection writes.
                await _endpoint.EndSessionAsync(previousSession, this).ConfigureAwait(false);
            }

            _endpoint.Register(this);
            if (Server.Options.IdleTimeout is { } idle)
            {
                _idleTimer = Server.Time.CreateTimer(_ => CloseIdle(idle), null, idle, Timeout.InfiniteTimeSpan);
            }

            Sender.Post(RealtimeMessages.Handshake(Server.Time.GetUtcNow().ToUnixTimeMilliseconds(), HandshakeHost(), SessionId));
            Log.RealtimeOpened(Server.Logger, Id, Namespace.Name);
            await ReceiveLoopAsync(socket).ConfigureAwait(false);
            _endReason ??= "closed by the client";
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _endReason ??= "connection lost";
        }
        finally
        {
            await EndAsync(socket, writer).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends the connection because the same client connected again: a close frame after what is queued, and no more
    /// waiting than a live client needs to answer it (a half-open socket never does).
    /// </summary>
    public void Replace()
    {
        _endReason ??= "replaced by the same client's new connection";
        _stopServing = true;
        CloseAfterQueued(WebSocketCloseStatus.NormalClosure, "replaced by a newer connection");
    }

    /// <summary>
    /// Closes a connection that sent nothing for <see cref="FirebaseEmulatorOptions.IdleTimeout"/>: status 1001 (going
    /// away), its onDisconnect writes run, the client reconnects.
    /// </summary>
    private void CloseIdle(TimeSpan timeout)
    {
        if (_stopServing)
        {
            return;
        }

        _stopServing = true;
        _endReason ??= $"idle: nothing received for {timeout.TotalSeconds:0.###} s";
        Server.Metrics.RecordRefusal(EmulatorLimits.Firebase, EmulatorLimits.IdleTimeout);
        CloseAfterQueued(WebSocketCloseStatus.EndpointUnavailable, "idle timeout");
    }

    /// <summary>A close frame after what is queued, and no more waiting than a live client needs to answer it.</summary>
    private void CloseAfterQueued(WebSocketCloseStatus status, string reason)
    {
        Sender.Close(status, reason);
        try
        {
            _closing.CancelAfter(TimeSpan.FromSeconds(2));
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends the connection at once (overflow, a dead socket); its onDisconnect writes still run.</summary>
    public void Abort(string reason)
    {
        _endReason ??= reason;

        // Off this thread: the caller may be an engine callback under the write lock, and cancelling aborts the socket.
        _ = Task.Run(() =>
        {
            try
            {
                _closing.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        });
    }

    public void Dispose() => _closing.Dispose();

    /// <summary>The host the client used, for its later connections; never an <c>s-</c> host, which browsers would remember.</summary>
    private string HandshakeHost()
    {
        var host = _http.Request.Host.Value;
        if (string.IsNullOrEmpty(host) || host.StartsWith("s-", StringComparison.OrdinalIgnoreCase))
        {
            var local = _http.Connection;
            return $"{local.LocalIpAddress}:{local.LocalPort}";
        }

        return host;
    }

    private async Task ReceiveLoopAsync(WebSocket socket)
    {
        // Small: SDK frames are at most 16384 UTF-16 units and most are far shorter; a long one takes a few reads.
        var buffer = new byte[4 * 1024];
        using var frame = new MemoryStream();
        var limit = _frames.MaxMessageBytes;
        while (true)
        {
            frame.SetLength(0);
            var result = await socket.ReceiveAsync(buffer.AsMemory(), _closing.Token).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // Answered once the onDisconnect writes ran: when the client's close completes, they are visible.
                return;
            }

            // Most frames (every write of a pipelined burst) arrive whole in one read: served from the receive buffer.
            var whole = result.EndOfMessage;
            var tooLarge = result.Count > limit;
            if (!whole && !tooLarge)
            {
                frame.Write(buffer, 0, result.Count);
            }

            while (!result.EndOfMessage)
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), _closing.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                // Past the limit the rest of the frame is read and dropped rather than buffered.
                tooLarge |= frame.Length + result.Count > limit;
                if (!tooLarge)
                {
                    frame.Write(buffer, 0, result.Count);
                }
            }

            // Any message, the SDKs' keep-alive "0" included, shows the client is there.
            if (Server.Options.IdleTimeout is { } idle)
            {
                _idleTimer?.Change(idle, Timeout.InfiniteTimeSpan);
            }

            if (_stopServing)
            {
                // After a protocol error only the client's close is awaited; anything else it sends is dropped.
                continue;
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                Fail("binary frames are not part of the protocol");
            }
            else if (tooLarge)
            {
                Server.Metrics.RecordRefusal(EmulatorLimits.Firebase, EmulatorLimits.FrameSize);
                Fail($"a frame exceeds the limit of {limit} bytes");
            }
            else
            {
                Receive(whole ? buffer.AsSpan(0, result.Count) : frame.GetBuffer().AsSpan(0, (int)frame.Length));
            }
        }
    }

    private void Receive(ReadOnlySpan<byte> frame)
    {
        bool complete;
        ReadOnlyMemory<byte> message;
        try
        {
            complete = _frames.Add(frame, out message);
        }
        catch (InvalidDataException ex)
        {
            // The only refusal of the assembler: a split message over the size limit.
            Server.Metrics.RecordRefusal(EmulatorLimits.Firebase, EmulatorLimits.FrameSize);
            Fail(ex.Message);
            return;
        }

        if (!complete)
        {

            if (_frames.IsBuffering && _splitTimer is null)
            {
                var timeout = Server.Options.SplitMessageTimeout;
                _splitTimer = Server.Time.CreateTimer(
                    _ => Fail($"a message split into frames did not complete within {timeout.TotalSeconds:0.#} s"), null, timeout, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        _splitTimer?.Dispose();
        _splitTimer = null;
        Handle(message);
    }

    private void Handle(ReadOnlyMemory<byte> message)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            Fail("a message is not valid JSON");
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("t", out var layer) || !root.TryGetProperty("d", out var data) ||
                data.ValueKind != JsonValueKind.Object)
            {
                Fail("a message is not a {\"t\":…,\"d\":{…}} envelope");
                return;
            }

            switch (layer.ValueKind == JsonValueKind.String ? layer.GetString() : null)
            {
                case "c":
                    // The client's control messages: a ping wants a pong; the long-polling upgrade's others need nothing.
                    if (data.TryGetProperty("t", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "p")
                    {
                        Sender.Post(RealtimeMessages.Pong());
                    }

                    break;
                case "d":
                    _requests.Handle(data);
                    break;
                default:
                    Fail("a message has an unknown layer (t)");
                    break;
            }
        }
    }

    /// <summary>Closes a connection that broke the protocol: an error it can log, then a close frame; nothing more of it is served.</summary>
    private void Fail(string problem)
    {
        if (_stopServing)
        {
            return;
        }

        _stopServing = true;
        _endReason ??= "protocol error";
        Log.RealtimeProtocolError(Server.Logger, Id, problem);
        Server.Metrics.RecordSocketError(EmulatorLimits.Firebase, "protocol_error");
        Sender.Post(RealtimeMessages.Error("Protocol error: " + problem));
        CloseAfterQueued(WebSocketCloseStatus.ProtocolError, "protocol error");
    }

    private async Task EndAsync(WebSocket socket, Task writer)
    {
        _splitTimer?.Dispose();
        _idleTimer?.Dispose();
        Access.Dispose();
        Listens.Clear();
        RunDisconnectWrites();
        if (socket.State == WebSocketState.CloseReceived)
        {
            Sender.Close(WebSocketCloseStatus.NormalClosure, string.Empty);
        }

        Sender.Complete();
        if (await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(2), Server.Time)).ConfigureAwait(false) != writer)
        {
            // A client that stopped reading would hold a send forever: aborting the socket ends it.
            socket.Abort();
        }

        await writer.ConfigureAwait(false);
        _endpoint.Unregister(this);
        Log.RealtimeClosed(Server.Logger, Id, Namespace.Name, _endReason ?? "ended");
        Dispose();
        _ended.TrySetResult();
    }

    /// <summary>
    /// Runs the onDisconnect writes in the order they were registered, as ordinary writes that other clients see. The rules
    /// were checked when each was registered; server values resolve now.
    /// </summary>
    private void RunDisconnectWrites()
    {
        foreach (var (path, value) in Disconnects.TakeAll())
        {
            try
            {
                Server.Writer.Set(Namespace, FirebaseIdentity.Admin, path, value);
            }
            catch (Exception ex) when (ex is FirebaseHttpException or RealtimeValidationException)
            {
                Log.DisconnectWriteFailed(Server.Logger, Id, path, ex.Message);
            }
        }
    }
}
