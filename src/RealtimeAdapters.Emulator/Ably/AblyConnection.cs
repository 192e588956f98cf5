using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// One realtime WebSocket transport: connects (or resumes) a <see cref="AblyConnectionState"/>, then serves frames.
/// Every outbound frame goes through one queue written by one loop, so frames leave in the order they were queued, and
/// queueing never waits for the client (a client that falls <see cref="MaxOutboundBacklog"/> frames behind loses its
/// transport, as a network cut: it can resume and re-attach from its channel serials).
/// </summary>
internal sealed partial class AblyConnection : IDisposable
{
    /// <summary>Outbound frames a client may leave unread before its transport is dropped.</summary>
    internal const int MaxOutboundBacklog = 200_000;
    private const int SyncPageSize = 100;
    private static long _syncCount;
    private readonly AblyServer _server;
    private readonly HttpContext _http;
    private readonly Channel<Outbound> _outbound = Channel.CreateUnbounded<Outbound>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ChannelLink> _channels = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebSocket? _socket;
    private DrainedWebSocket? _upgraded;
    private Task _writer = Task.CompletedTask;
    private WireFormat _format = WireFormat.Json;
    private bool _echo = true;
    private AblyConnectionState? _state;
    private ITimer? _expiryTimer;
    private ITimer? _reauthTimer;
    private readonly Lock _lifetime = new();
    private int _live;
    private int _backlog;
    private int _dropped;
    private bool _finished;

    public AblyConnection(AblyServer server, HttpContext http)
    {
        _server = server;
        _http = http;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(server.Stopping, http.RequestAborted);
    }

    /// <summary>The connection id once connected.</summary>
    public string? ConnectionId => _state?.ConnectionId;

    /// <summary>Completes when this transport has ended and its connection state has been updated.</summary>
    public Task Ended => _ended.Task;

    public bool IsAttached(string channel) => _channels.ContainsKey(channel);

    public async Task RunAsync()
    {
        var query = _http.Request.Query;
        _format = query["format"].FirstOrDefault() is "msgpack" ? WireFormat.MsgPack : WireFormat.Json;
        _echo = query["echo"].FirstOrDefault() is not "false";
        var heartbeats = query["heartbeats"].FirstOrDefault() is "true";
        _upgraded = await DrainedWebSocket.AcceptAsync(_http, _server.Options.MaxIdleInterval / 2).ConfigureAwait(false);
        _socket = _upgraded.Socket;
        _writer = WriteLoopAsync(_socket);
        try
        {
            if (!await ConnectAsync(query).ConfigureAwait(false))
            {
                return;
            }

            using var heartbeat = heartbeats
                ? _server.Time.CreateTimer(_ => Post(new ProtocolMessage { Action = ProtocolAction.Heartbeat }), null, _server.Options.MaxIdleInterval / 2, _server.Options.MaxIdleInterval / 2)
                : null;
            using var idle = StartLimits();
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The transport went away (or the WebSocket failed a frame and sent its close status, 1002 or 1007); the state
            // below decides what that means.
        }
#pragma warning disable CA1031 // A bug handling one frame must end this transport with an error, not silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.UnhandledError(_server.Logger, ex, "WS", "/");
            await FailAsync(ErrorInfo.Create(AblyErrorCodes.InternalError, "Internal error in the emulator; the connection is closed.")).ConfigureAwait(false);
        }
        finally
        {
            MarkNotLive();
            _idleTimer?.Dispose();
            _expiryTimer?.Dispose();
            _reauthTimer?.Dispose();
            await DrainCloseAsync(_socket).ConfigureAwait(false);
            await DetachAllAsync().ConfigureAwait(false);
            if (_state is { } state && state.Transport == this)
            {
                state.Lost(this, _server);
            }

            // Disposing aborts a send still waiting on a client that does not read, so the writer ends promptly.
            var closedCleanly = _socket.State == WebSocketState.Closed;
            _outbound.Writer.TryComplete();
            _socket.Dispose();
            await _writer.ConfigureAwait(false);
            await _upgraded.EndAsync(closedCleanly, _server.Stopping).ConfigureAwait(false);

            // Kestrel reuses the HttpContext once this returns: a late DropAsync must not abort another request.
            lock (_lifetime)
            {
                _finished = true;
            }

            Dispose();
            _ended.TrySetResult();
        }
    }

    public void Dispose() => _closing.Dispose();

    /// <summary>Whether this transport is connected and not being closed (fault injection acts only on such).</summary>
    public bool IsLive => Volatile.Read(ref _live) == 1;

    private void MarkNotLive()
    {
        if (Interlocked.Exchange(ref _live, 0) == 1 && _state is { } state)
        {
            _server.TransportEnded(state.ConnectionId, this);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var socket = _socket!;
        var buffer = new byte[16 * 1024];
        using var frame = new MemoryStream();
        while (socket.State == WebSocketState.Open && !_closing.IsCancellationRequested)
        {
            frame.SetLength(0);
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(), _closing.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseSocketAsync().ConfigureAwait(false);
                    return;
                }

                frame.Write(buffer, 0, result.Count);
                if (frame.Length > _server.Options.MaxFrameSize)
                {
                    await RefuseFrameAsync().ConfigureAwait(false);
                    return;
                }
            }
            while (!result.EndOfMessage);

            if (!await ActiveAsync().ConfigureAwait(false))
            {
                return;
            }

            ProtocolMessage message;
            try
            {
                var format = result.MessageType == WebSocketMessageType.Binary ? WireFormat.MsgPack : WireFormat.Json;
                // The decoders copy what they keep (strings, byte arrays, parsed JSON), so the frame buffer is reused.
                message = AblyCodec.DecodeProtocolMessage(frame.GetBuffer().AsMemory(0, (int)frame.Length), format);
            }
            catch (AblyProtocolException ex)
            {
                await FailAsync(ErrorInfo.Create(AblyErrorCodes.ProtocolError, "Malformed protocol message: " + ex.Error.Message)).ConfigureAwait(false);
                return;
            }

            if (!await HandleAsync(message).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <returns><see langword="false"/> when the transport must end.</returns>
    private async Task<bool> HandleAsync(ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Heartbeat:
                Post(new ProtocolMessage { Action = ProtocolAction.Heartbeat, Id = message.Id });
                return true;
            case ProtocolAction.Close:
                _state!.Closed(_server);
                await SendAsync(new ProtocolMessage { Action = ProtocolAction.Closed, ConnectionId = _state.ConnectionId }).ConfigureAwait(false);
                await CloseSocketAsync().ConfigureAwait(false);
                return false;
            case ProtocolAction.Attach:
                if (!_server.TryTakeIgnoredAttach())
                {
                    await AttachAsync(message).ConfigureAwait(false);
                }

                return true;
            case ProtocolAction.Detach:
                await DetachAsync(message).ConfigureAwait(false);
                return true;
            case ProtocolAction.Message:
            case ProtocolAction.Presence:
                Publish(message);
                return true;
            case ProtocolAction.Object:
                PublishObjects(message);
                return true;
            case ProtocolAction.Auth:
                return await ReauthAsync(message).ConfigureAwait(false);
            default:
                await FailAsync(ErrorInfo.Create(AblyErrorCodes.ProtocolError, string.Create(CultureInfo.InvariantCulture, $"Unexpected action {(int)message.Action} from a client."))).ConfigureAwait(false);
                return false;
        }
    }

    private async Task<bool> ReauthAsync(ProtocolMessage message)
    {
        AblyAuthContext auth;
        try
        {
            auth = _server.Authority.AuthenticateToken(message.Auth?.AccessToken ?? throw AblyAuthority.Fail(AblyErrorCodes.NoAuthMethod, "AUTH without auth.accessToken."));
        }
        catch (RealtimeException ex)
        {
            await FailAsync(AblyServer.ToErrorInfo(ex)).ConfigureAwait(false);
            return false;
        }

        var current = _state!.ClientId;
        if (current is not null && current != "*" && auth.ClientId is { } newId && newId != "*" && newId != current)
        {
            await FailAsync(ErrorInfo.Create(AblyErrorCodes.IncompatibleCredentials, "The new token's client id does not match the connection's.")).ConfigureAwait(false);
            return false;
        }

        _state.Auth = auth;
        ScheduleExpiry(auth);
        Post(Connected(null));
        return true;
    }

    private async Task DetachAllAsync()
    {
        foreach (var name in _channels.Keys.ToList())
        {
            if (_channels.TryRemove(name, out var link))
            {
                await link.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>An outbound frame, or a close frame when <see cref="Message"/> is null; <see cref="Done"/> completes once written.</summary>
    private readonly record struct Outbound(ProtocolMessage? Message, TaskCompletionSource? Done);

    /// <summary>One attached channel: its subscriptions and the drains moving them into the outbound queue.</summary>
    private sealed class ChannelLink(string name) : IAsyncDisposable
    {
        public string Name => name;

        /// <summary>Serialises the presence drain; held while ATTACHED and SYNC are queued.</summary>
        public Lock Gate { get; } = new();

        public Lock MessageGate { get; } = new();

        public SubscriptionDrain<ChannelMessage>? Messages { get; set; }

        public RealtimeSubscription<ChannelMessage>? MessageSubscription { get; set; }

        public SubscriptionDrain<PresenceMessage>? Presence { get; set; }

        public RealtimeSubscription<PresenceMessage>? PresenceSubscription { get; set; }

        /// <summary>The subscription to the channel's object operations (object_subscribe), or null.</summary>
        public IDisposable? Objects { get; set; }

        public async ValueTask DisposeAsync()
        {
            Objects?.Dispose();
            Messages?.Stop();
            Presence?.Stop();
            if (MessageSubscription is { } m)
            {
                await m.DisposeAsync().ConfigureAwait(false);
            }

            if (PresenceSubscription is { } p)
            {
                await p.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
