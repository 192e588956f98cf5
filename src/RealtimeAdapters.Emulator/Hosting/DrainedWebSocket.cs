using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace RealtimeAdapters.Emulator.Hosting;

/// <summary>
/// A server WebSocket over the connection's own upgraded stream, so that a transport that ends abnormally can be wound
/// down cleanly. When the WebSocket fails a client's frame (invalid UTF-8 → 1007, a protocol violation → 1002), it sends
/// its close frame and stops reading; bytes the client sent after the bad header are then still unread, and closing a
/// TCP socket with unread data makes the kernel send a reset, which can destroy the close frame before the client reads
/// it. <see cref="EndAsync"/> reads and discards what the client still sends for a moment before the connection closes.
/// </summary>
internal sealed class DrainedWebSocket
{
    // RFC 6455 §1.3: the accept key is the client's key with this GUID, SHA-1 hashed and base64 encoded.
    private const string AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    // The client's last bytes (its close reply, frames already in flight) arrive within a round trip on loopback or a
    // LAN; a client still sending after this pause, or after the whole budget, is cut off.
    private static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan DrainBudget = TimeSpan.FromSeconds(2);

    private readonly DeferredCloseStream? _stream;

    private DrainedWebSocket(WebSocket socket, DeferredCloseStream? stream)
    {
        Socket = socket;
        _stream = stream;
    }

    public WebSocket Socket { get; }

    /// <summary>Completes the upgrade handshake (the request is a valid WebSocket request) and creates the server WebSocket.</summary>
    public static async Task<DrainedWebSocket> AcceptAsync(HttpContext context, TimeSpan keepAliveInterval)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            // Not an HTTP/1.1 upgrade (an HTTP/2 extended CONNECT, say): the framework's WebSocket, without the drain.
            return new DrainedWebSocket(await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false), null);
        }

        var key = context.Request.Headers.SecWebSocketKey.ToString();
#pragma warning disable CA5350 // SHA-1 is what the WebSocket handshake specifies; it protects nothing here.
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + AcceptGuid)));
#pragma warning restore CA5350
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = accept;
        var opaque = await upgrade.UpgradeAsync().ConfigureAwait(false);
        var stream = new DeferredCloseStream(opaque);
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = keepAliveInterval });
        return new DrainedWebSocket(socket, stream);
    }

    /// <summary>
    /// Closes the connection once the WebSocket has been disposed. Unless the closing handshake had completed
    /// (<paramref name="closedCleanly"/>, read before disposing: disposing marks the socket closed), it first reads and
    /// discards what the client still sends (until it pauses, closes, or the budget is spent), so that the TCP connection
    /// ends with a FIN, not a reset.
    /// </summary>
    public async Task EndAsync(bool closedCleanly, CancellationToken stopping)
    {
        Socket.Dispose();
        if (_stream is null)
        {
            return;
        }

        try
        {
            if (!closedCleanly)
            {
                await _stream.DrainAsync(QuietPeriod, DrainBudget, stopping).ConfigureAwait(false);
            }
        }
        finally
        {
            await _stream.CloseInnerAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Passes reads and writes to the upgraded stream. The WebSocket disposes its stream when it is disposed or aborted;
    /// disposing this wrapper (Stream's own Dispose, not overridden) leaves the upgraded stream open for the drain, and
    /// <see cref="CloseInnerAsync"/> closes it.
    /// </summary>
    private sealed class DeferredCloseStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            inner.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public async Task DrainAsync(TimeSpan quiet, TimeSpan budget, CancellationToken stopping)
        {
            using var total = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            total.CancelAfter(budget);
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    using var pause = CancellationTokenSource.CreateLinkedTokenSource(total.Token);
                    pause.CancelAfter(quiet);
                    if (await inner.ReadAsync(buffer, pause.Token).ConfigureAwait(false) == 0)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
            {
                // The client paused, left, or the budget is spent: nothing more to wait for.
            }
        }

        public ValueTask CloseInnerAsync() => inner.DisposeAsync();

    }
}
