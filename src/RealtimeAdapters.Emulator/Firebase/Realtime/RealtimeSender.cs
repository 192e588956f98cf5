using RealtimeAdapters.Firebase.Protocol;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// A connection's one ordered outbound queue and the loop that writes it to the socket. Everything the connection sends
/// goes through it: answers queued by the request loop, pushes queued by engine callbacks (under the write lock), control
/// messages. Queue order is wire order, so a push queued during a write always precedes the answer to that write, and a
/// listen's data precedes its <c>ok</c>. Writers never wait: a client that stops reading is disconnected once its backlog
/// exceeds the limit, and reconnects to resynchronise.
/// </summary>
internal sealed class RealtimeSender(RealtimeConnection connection, int capacity, ILogger logger)
{
    private readonly Channel<OutboundItem> _queue = Channel.CreateUnbounded<OutboundItem>(new UnboundedChannelOptions { SingleReader = true });
    private int _backlog;
    private bool _broken;

    // The benchmark hook's kept messages (null: not holding). Touched only by the send loop.
    private List<byte[]>? _held;

    // Pushes are encoded into one pooled buffer, sent, and the buffer handed back: no array per push. Send loop only.
    private readonly PooledFrameBuffer _push = new();
    private Utf8JsonWriter? _pushWriter;

    /// <summary>Queues an item; dropped once the connection has ended.</summary>
    public void Post(OutboundItem item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            return;
        }

        if (Interlocked.Increment(ref _backlog) > capacity)
        {
            connection.Abort("the client does not read fast enough");
        }
    }

    public void Post(byte[] message) => Post(new OutboundItem(OutboundKind.Message, message));

    /// <summary>Queues a close frame after everything already queued.</summary>
    public void Close(WebSocketCloseStatus status, string reason) =>
        Post(new OutboundItem(OutboundKind.Close, System.Text.Encoding.UTF8.GetBytes(reason), CloseStatus: status));

    /// <summary>Stops accepting items; <see cref="RunAsync"/> ends once the queue is drained.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// Benchmark hook: everything queued after this is still encoded in order, but kept instead of sent, until
    /// <see cref="Release"/>. Not counted in the backlog limit.
    /// </summary>
    public void Hold() => _queue.Writer.TryWrite(new OutboundItem(OutboundKind.Hold));

    /// <summary>Benchmark hook: sends what <see cref="Hold"/> kept; the task completes with their count once they are sent.</summary>
    public Task<int> Release() => Mark(OutboundKind.Release);

    /// <summary>Benchmark hook: completes, with how many messages are kept, once everything queued so far is sent or kept.</summary>
    public Task<int> Reached() => Mark(OutboundKind.Reached);

    private Task<int> Mark(OutboundKind kind)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new OutboundItem(kind, Released: done)))
        {
            done.TrySetResult(0);
        }

        return done.Task;
    }

    public async Task RunAsync(WebSocket socket)
    {
        try
        {
            await SendQueuedAsync(socket).ConfigureAwait(false);
        }
        finally
        {
            _pushWriter?.Dispose();
            _push.Release();
        }
    }

    private async Task SendQueuedAsync(WebSocket socket)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _backlog);
                if (_broken)
                {
                    item.Released?.TrySetResult(0);
                    continue;
                }

                try
                {
                    await ProcessAsync(socket, item).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
                {
                    // The socket is gone: drain the rest without sending, and let the receive loop end the connection.
                    _broken = true;
                    item.Released?.TrySetResult(0);
                    connection.Abort("the socket failed");
                }
#pragma warning disable CA1031 // One push that cannot be built must not stop the pushes after it (the client would hang).
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    item.Released?.TrySetException(ex);
                    Log.UnhandledError(logger, ex, "WS", "/.ws");
                }
            }
        }
    }

    private async Task ProcessAsync(WebSocket socket, OutboundItem item)
    {
        switch (item.Kind)
        {
            case OutboundKind.Message:
                await EmitAsync(socket, item.Message!).ConfigureAwait(false);
                break;
            case OutboundKind.Initial when item.Listen!.IsActive:
                if (!Unchanged(item.Listen, item.Value!))
                {
                    RealtimeMessages.WriteOverwrite(PushWriter(), item.Listen.Path, item.Value!, tag: null);
                    await EmitPushAsync(socket).ConfigureAwait(false);
                }

                break;
            case OutboundKind.Write when item.Listen!.IsActive:
                switch (ScopedChange.Of(item.Listen.Path, item.Write!))
                {
                    case { Value: { } value } overwrite:
                        RealtimeMessages.WriteOverwrite(PushWriter(), overwrite.Path, value, tag: null);
                        await EmitPushAsync(socket).ConfigureAwait(false);
                        break;
                    case { Entries: { } entries } merge:
                        RealtimeMessages.WriteMerge(PushWriter(), merge.Path, entries, tag: null);
                        await EmitPushAsync(socket).ConfigureAwait(false);
                        break;
                }

                break;
            case OutboundKind.Window when item.Listen!.IsActive:
                await SendWindowAsync(socket, item.Listen, item.Batch).ConfigureAwait(false);
                break;
            case OutboundKind.Recheck:
                foreach (var revocation in connection.Access.RevokeUnreadableListens())
                {
                    await EmitAsync(socket, revocation).ConfigureAwait(false);
                }

                break;
            case OutboundKind.CredentialExpired:
                foreach (var message in connection.Access.ExpireCredential(item.Generation))
                {
                    await EmitAsync(socket, message).ConfigureAwait(false);
                }

                break;
            case OutboundKind.Hold:
                _held ??= [];
                break;
            case OutboundKind.Reached:
                item.Released!.TrySetResult(_held?.Count ?? 0);
                break;
            case OutboundKind.Release:
                item.Released!.TrySetResult(await SendHeldAsync(socket).ConfigureAwait(false));
                break;
            case OutboundKind.Close:
                await SendHeldAsync(socket).ConfigureAwait(false);
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    var reason = System.Text.Encoding.UTF8.GetString(item.Message!);
                    await socket.CloseOutputAsync(item.CloseStatus, reason, timeout.Token).ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task SendWindowAsync(WebSocket socket, RealtimeListen listen, QueryWindowBatch batch)
    {
        if (batch.IsInitial)
        {
            if (!Unchanged(listen, batch.Window))
            {
                RealtimeMessages.WriteOverwrite(PushWriter(), listen.Path, batch.Window, listen.Tag);
                await EmitPushAsync(socket).ConfigureAwait(false);
            }
        }
        else if (batch.Changes.Count > 0)
        {
            RealtimeMessages.WriteMerge(PushWriter(), listen.Path, batch.Changes, listen.Tag);
            await EmitPushAsync(socket).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the client already holds <paramref name="value"/> (its listen hash matches), so sending it is not needed.</summary>
    private static bool Unchanged(RealtimeListen listen, DataNode value) =>
        value.IsNull ? listen.Hash.Length == 0 : listen.Hash.Length > 0 && listen.Hash == FirebaseHash.Of(value);

    /// <summary>The writer for the next push, over the pooled buffer (empty: the previous push was sent and released).</summary>
    private Utf8JsonWriter PushWriter()
    {
        // Empty already after a sent push; after a push that failed to encode, this drops its partial bytes.
        _push.Release();
        if (_pushWriter is null)
        {
            _pushWriter = RealtimeMessages.CreatePushWriter(_push);
        }
        else
        {
            _pushWriter.Reset(_push);
        }

        return _pushWriter;
    }

    /// <summary>Sends the push just written to the pooled buffer (or keeps a copy while held), then hands the buffer back.</summary>
    private async Task EmitPushAsync(WebSocket socket)
    {
        _pushWriter!.Flush();
        try
        {
            var message = _push.WrittenMemory;
            if (_held is not null || message.Length > FrameSplitter.MaxFrameChars)
            {
                // Kept, or long enough to need splitting into numbered frames: as an array, like any other message.
                await EmitAsync(socket, message.ToArray()).ConfigureAwait(false);
            }
            else
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _push.Release();
        }
    }

    /// <summary>Sends a message, or keeps it while the benchmark hook holds this connection's messages.</summary>
    private Task EmitAsync(WebSocket socket, byte[] message)
    {
        if (_held is { } held)
        {
            held.Add(message);
            return Task.CompletedTask;
        }

        return SendAsync(socket, message);
    }

    private async Task<int> SendHeldAsync(WebSocket socket)
    {
        if (_held is not { } held)
        {
            return 0;
        }

        _held = null;
        foreach (var message in held)
        {
            await SendAsync(socket, message).ConfigureAwait(false);
        }

        return held.Count;
    }

    private static async Task SendAsync(WebSocket socket, byte[] message)
    {
        foreach (var frame in FrameSplitter.Split(message))
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
