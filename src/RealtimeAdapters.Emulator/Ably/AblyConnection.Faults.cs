using System.Net.WebSockets;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Ably;

// AblyConnection: ending the connection (server-initiated disconnects, fault injection, close and abort) and the outbound queue.
internal sealed partial class AblyConnection
{
    /// <summary>Fault injection: ends the transport like a network cut (no DISCONNECTED, no close frame); the state stays resumable.</summary>
    internal async Task DropAsync()
    {
        MarkNotLive();
        if (Interlocked.Exchange(ref _dropped, 1) == 0)
        {
            lock (_lifetime)
            {
                if (!_finished)
                {
                    _socket?.Abort();
                    _http.Abort();
                }
            }
        }

        await Ended.ConfigureAwait(false);
    }

    /// <summary>Fault injection: sends DISCONNECTED with <paramref name="error"/> and closes; the state stays resumable.</summary>
    internal async Task DisconnectByServerAsync(ErrorInfo error)
    {
        MarkNotLive();
        await DisconnectAsync(error).ConfigureAwait(false);
    }

    /// <summary>Fault injection: asks the client to re-authenticate (server AUTH, RTN22).</summary>
    internal Task RequestReauthAsync() => SendAsync(new ProtocolMessage { Action = ProtocolAction.Auth });

    /// <summary>Fault injection: a server-initiated DETACHED with an error (RTL13); the channel's subscriptions end.</summary>
    internal async Task DetachByServerAsync(string channel, ErrorInfo error)
    {
        if (_channels.TryRemove(channel, out var link))
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        await SendAsync(new ProtocolMessage { Action = ProtocolAction.Detached, Channel = channel, Error = error }).ConfigureAwait(false);
    }

    private Task SendChannelErrorAsync(string channel, ErrorInfo error)
    {
        Post(new ProtocolMessage { Action = ProtocolAction.Error, Channel = channel, Error = error });
        return Task.CompletedTask;
    }

    private async Task FailAsync(ErrorInfo error)
    {
        await SendAsync(new ProtocolMessage { Action = ProtocolAction.Error, Error = error }).ConfigureAwait(false);
        await CloseSocketAsync().ConfigureAwait(false);
    }

    /// <summary>Ends this transport with DISCONNECTED; the connection stays resumable.</summary>
    private async Task DisconnectAsync(ErrorInfo error)
    {
        await SendAsync(new ProtocolMessage { Action = ProtocolAction.Disconnected, Error = error }).ConfigureAwait(false);
        await CloseSocketAsync().ConfigureAwait(false);
    }

    /// <summary>Another transport resumed this connection: drop this one.</summary>
    internal async Task AbortAsync()
    {
        MarkNotLive();
        try
        {
            await _closing.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Queues a close frame after everything already queued and waits until it is written.</summary>
    private async Task CloseSocketAsync()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_outbound.Writer.TryWrite(new Outbound(null, done)))
        {
            await done.Task.ConfigureAwait(false);
        }

        try
        {
            // Not at once: the receive loop should see the client's close reply, so that frames sent just before
            // (ERROR, DISCONNECTED) are not lost to a reset of a socket with unread data.
            _closing.CancelAfter(TimeSpan.FromSeconds(2));
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>After this side sent a close frame, waits briefly for the client's reply before the socket is dropped.</summary>
    private static async Task DrainCloseAsync(WebSocket socket)
    {
        if (socket.State != WebSocketState.CloseSent)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var buffer = new byte[1024];
            while (socket.State == WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Queues a frame without waiting; it is dropped when the transport has ended.</summary>
    private void Post(ProtocolMessage message)
    {
        if (!_outbound.Writer.TryWrite(new Outbound(message, null)))
        {
            return;
        }

        CountError(message);

        if (Interlocked.Increment(ref _backlog) > MaxOutboundBacklog && IsLive)
        {
            // The client stopped reading: cut the transport rather than buffer without bound (it can resume).
            _ = DropAsync();
        }
    }

    /// <summary>Queues a frame and waits until it has been written (or the transport has ended).</summary>
    private async Task SendAsync(ProtocolMessage message)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_outbound.Writer.TryWrite(new Outbound(message, done)))
        {
            CountError(message);
            await done.Task.ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync(WebSocket socket)
    {
        var reader = _outbound.Reader;
        var type = _format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        var frame = new PooledFrameBuffer();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                if (item.Done is null)
                {
                    Interlocked.Decrement(ref _backlog);
                }

                try
                {
                    if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        if (item.Message is { } message)
                        {
                            // Encoded into a pooled buffer, given back once the socket has taken the frame.
                            AblyCodec.Encode(message, _format, frame);
                            await socket.SendAsync(frame.WrittenMemory, type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
                        }
                        else
                        {
                            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
                        }
                    }
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
                {
                    // The transport is gone; the receive loop ends it. Later frames are skipped by the state check.
                }
#pragma warning disable CA1031 // A frame that cannot be encoded must not stop the writer (the frames after it would hang).
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Log.UnhandledError(_server.Logger, ex, "WS", "/");
                }
                finally
                {
                    frame.Release();
                    item.Done?.TrySetResult();
                }
            }
        }
    }
}
