using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// One WebSocket to Ably: a writer loop that sends queued frames in order, a reader loop that hands every decoded frame to
/// the connection, and the idle timer (RTN23a). A session ends once, with a <see cref="SessionOutcome"/> that says what the
/// connection does next; the connection outlives its sessions (resume attaches a new session to the same connection).
/// </summary>
internal sealed class AblyTransportSession : IDisposable
{
    private readonly WireFormat _format;
    private readonly TimeProvider _time;
    private readonly Action<AblyTransportSession, ProtocolMessage> _onFrame;
    private readonly HttpMessageInvoker? _invoker;
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<byte[]> _outbound = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<SessionOutcome> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();

    // Ending and disposing exclude each other: a close ending the session on one thread while the connection loop disposes
    // it on another must not cancel a disposed source.
    private readonly object _endGate = new();
    private ITimer? _idleTimer;
    private TimeSpan _idleLimit = Timeout.InfiniteTimeSpan;

    /// <param name="format">JSON or msgpack.</param>
    /// <param name="time">The clock of the idle timer and the connect timeout.</param>
    /// <param name="onFrame">Receives every decoded frame.</param>
    /// <param name="invoker">Sends the upgrade request through the application's HTTP pipeline (proxy, certificates) when set.</param>
    public AblyTransportSession(WireFormat format, TimeProvider time, Action<AblyTransportSession, ProtocolMessage> onFrame, HttpMessageInvoker? invoker = null)
    {
        _format = format;
        _time = time;
        _onFrame = onFrame;
        _invoker = invoker;
    }

    /// <summary>Completes once, when the session has ended, with why.</summary>
    public Task<SessionOutcome> Completion => _completion.Task;

    public bool IsEnded => _completion.Task.IsCompleted;

    /// <summary>Opens the WebSocket; the caller then calls <see cref="Start"/>.</summary>
    public async Task OpenAsync(Uri uri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, cancellationToken, _stop.Token);
        await _socket.ConnectAsync(uri, _invoker, linked.Token).ConfigureAwait(false);
    }

    /// <summary>Starts the reader and writer loops.</summary>
    public void Start()
    {
        _ = Task.Run(ReceiveLoopAsync);
        _ = Task.Run(SendLoopAsync);
    }

    /// <summary>Queues a frame; frames go out in the order they were queued. False once the session has ended.</summary>
    public bool TrySend(ProtocolMessage message) => !IsEnded && _outbound.Writer.TryWrite(AblyCodec.Encode(message, _format));

    /// <summary>Drops the transport when nothing arrives for <paramref name="limit"/> (RTN23a); any frame restarts the wait.</summary>
    public void SetIdleTimeout(TimeSpan? limit)
    {
        if (limit is not { } value)
        {
            return;
        }

        _idleLimit = value;
        _idleTimer ??= _time.CreateTimer(
            static state =>
            {
                var session = (AblyTransportSession)state!;
                session.End(new SessionOutcome(
                    SessionEndKind.Lost,
                    new RealtimeConnectionException($"Ably sent nothing for {session._idleLimit.TotalSeconds:0.#} s (maxIdleInterval plus the request timeout); the transport was dropped.")
                    {
                        ErrorCode = AblyErrorCodes.ConnectionDisconnected.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ProviderName = AblyChannelClient.Name,
                        IsRetryable = true,
                    }));
            },
            this,
            value,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Ends the session with <paramref name="outcome"/> (the first outcome wins) and aborts the socket.</summary>
    public void End(SessionOutcome outcome)
    {
        lock (_endGate)
        {
            if (!_completion.TrySetResult(outcome))
            {
                return;
            }

            _outbound.Writer.TryComplete();
            _idleTimer?.Dispose();
            _stop.Cancel();
            _socket.Abort();
            _socket.Dispose();
        }
    }

    /// <summary>Ends the session as closed (after CLOSED from the server, or a local close): the socket is aborted, nothing more is sent.</summary>
    public void EndClosed() =>
        End(new SessionOutcome(SessionEndKind.Closed, new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = AblyChannelClient.Name }));

    /// <summary>Ends the session (as closed, unless it has already ended) and releases it.</summary>
    public void Dispose()
    {
        EndClosed();
        lock (_endGate)
        {
            _stop.Dispose();
        }
    }

    private async Task SendLoopAsync()
    {
        var type = _format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var frame))
                {
                    // No token here: a cancellable send takes the socket's slow path, and End() aborts the socket anyway.
                    await _socket.SendAsync(frame, type, true, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            End(Lost("Sending to Ably failed: " + ex.Message, ex));
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.GetMemory(16 * 1024), _stop.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        End(Lost("Ably closed the transport.", null));
                        return;
                    }

                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                // Any frame is a sign of life: the server sends at least a heartbeat every maxIdleInterval.
                if (_idleTimer is { } idle)
                {
                    idle.Change(_idleLimit, Timeout.InfiniteTimeSpan);
                }

                ProtocolMessage message;
                try
                {
                    // The decoders copy what they keep (strings, byte arrays, parsed JSON), so the buffer can be reused.
                    message = AblyCodec.DecodeProtocolMessage(buffer.WrittenMemory, _format);
                }
                catch (AblyProtocolException ex)
                {
                    End(Lost("Ably sent a malformed frame: " + ex.Message, ex));
                    return;
                }

                _onFrame(this, message);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            End(Lost("The Ably transport failed: " + ex.Message, ex));
        }
        finally
        {
            End(Lost("The Ably transport ended.", null));
        }
    }

    private static SessionOutcome Lost(string message, Exception? inner) =>
        new(SessionEndKind.Lost, new RealtimeConnectionException(message, inner) { ProviderName = AblyChannelClient.Name, IsRetryable = true });
}
