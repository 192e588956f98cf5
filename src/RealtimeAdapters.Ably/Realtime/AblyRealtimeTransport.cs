using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// One realtime WebSocket connection: connect, ACK/NACK bookkeeping, dispatch of channel frames. Resume is not
/// implemented yet: a lost transport moves to Disconnected and fails what was pending.
/// </summary>
internal sealed class AblyRealtimeTransport : IRealtimeConnection, IAsyncDisposable
{
    private readonly AblyChannelClientOptions _options;
    private readonly AblyApiKey _key;
    private readonly Func<string, AblyChannel?> _findChannel;
    private readonly Action<RealtimeException?> _onEnded;
    private readonly ConnectionStateTracker _state = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _pending = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pings = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private ClientWebSocket? _socket;
    private Task? _connectTask;
    private Task? _receiveLoop;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextSerial;
    private ITimer? _idleTimer;
    private TimeSpan _idleLimit = Timeout.InfiniteTimeSpan;
    private volatile bool _idleExpired;

    public AblyRealtimeTransport(AblyChannelClientOptions options, AblyApiKey key, Func<string, AblyChannel?> findChannel, Action<RealtimeException?> onEnded)
    {
        _onEnded = onEnded;
        _options = options;
        _key = key;
        _findChannel = findChannel;
        Format = options.UseBinaryProtocol ? WireFormat.MsgPack : WireFormat.Json;
    }

    public WireFormat Format { get; }

    public string? ConnectionId { get; private set; }

    public long MaxMessageSize { get; private set; } = 65536;

    public ConnectionState State => _state.State;

    public ConnectionStateChange? LastChange => _state.LastChange;

    public TimeProvider Time => _options.TimeProvider;

    public TimeSpan RequestTimeout => _options.RealtimeRequestTimeout;

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _state.Watch(buffer);

    public ValueTask ConnectAsync(CancellationToken cancellationToken = default) => new(EnsureConnectedAsync(cancellationToken));

    public Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_state.IsEnded)
            {
                throw new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = "Ably" };
            }

            if (_connectTask is null || (_connectTask.IsCompleted && State != ConnectionState.Connected))
            {
                _connectTask = ConnectCoreAsync();
            }

            task = _connectTask;
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task ConnectCoreAsync()
    {
        _state.TryTransition(ConnectionState.Connecting);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(_options.RealtimeRequestTimeout, _options.TimeProvider);
            await socket.ConnectAsync(BuildUri(), timeout.Token).ConfigureAwait(false);

            // Without resume every connection is new to the server, and a new connection's msgSerial starts at 0.
            await _sendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                _nextSerial = 0;
                _socket?.Dispose();
                _socket = socket;
            }
            finally
            {
                _sendLock.Release();
            }

            _receiveLoop = Task.Run(() => ReceiveLoopAsync(socket, connected));
            await connected.Task.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
        {
            socket.Abort();
            var error = new RealtimeConnectionException("Could not connect to Ably: " + ex.Message, ex) { ProviderName = "Ably", IsRetryable = true };
            _state.TryTransition(ConnectionState.Disconnected, error);
            throw error;
        }
        catch (RealtimeException ex)
        {
            socket.Abort();
            _state.TryTransition(ex is RealtimeAuthenticationException or RealtimePermissionException ? ConnectionState.Failed : ConnectionState.Disconnected, ex);
            throw;
        }
    }

    private Uri BuildUri()
    {
        var endpoint = _options.Endpoint!;
        var query = string.Create(CultureInfo.InvariantCulture,
            $"key={Uri.EscapeDataString(_key.ToKeyString())}&format={(Format == WireFormat.MsgPack ? "msgpack" : "json")}&v=6&echo={(_options.EchoMessages ? "true" : "false")}");
        if (_options.ClientId is { } clientId)
        {
            query += "&clientId=" + Uri.EscapeDataString(clientId);
        }

        var scheme = endpoint.Scheme is "https" or "wss" ? "wss" : "ws";
        return new UriBuilder(endpoint) { Scheme = scheme, Query = query }.Uri;
    }

    public async Task SendAsync(ProtocolMessage message, CancellationToken cancellationToken)
    {
        var socket = _socket;
        if (socket is null || State != ConnectionState.Connected)
        {
            throw new RealtimeConnectionException($"The Ably connection is {State}; resume is not implemented yet.") { ProviderName = "Ably", IsRetryable = true };
        }

        var bytes = AblyCodec.Encode(message, Format);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(bytes, Format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            throw new RealtimeConnectionException("Sending to Ably failed: " + ex.Message, ex) { ProviderName = "Ably", IsRetryable = true };
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a MESSAGE with the next msgSerial and completes on its ACK, fails on its NACK.</summary>
    public Task PublishAsync(string channel, IReadOnlyList<WireMessage> messages, CancellationToken cancellationToken) =>
        SendAckedAsync(new ProtocolMessage { Action = ProtocolAction.Message, Channel = channel, Messages = messages }, cancellationToken);

    /// <summary>Sends a message that takes the next msgSerial and completes on its ACK, fails on its NACK.</summary>
    public async Task SendAckedAsync(ProtocolMessage message, CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long serial = -1;
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The serial is taken under the send lock so that serials reach the server in order.
            serial = _nextSerial++;
            _pending[serial] = done;
            var socket = _socket;
            if (socket is null || State != ConnectionState.Connected)
            {
                _pending.TryRemove(serial, out _);
                throw new RealtimeConnectionException($"The Ably connection is {State}; resume is not implemented yet.") { ProviderName = "Ably", IsRetryable = true };
            }

            message.MsgSerial = serial;
            var bytes = AblyCodec.Encode(message, Format);
            await socket.SendAsync(bytes, Format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        catch (WebSocketException ex)
        {
            _pending.TryRemove(serial, out _);
            throw new RealtimeConnectionException("Sending to Ably failed: " + ex.Message, ex) { ProviderName = "Ably", IsRetryable = true };
        }
        finally
        {
            _sendLock.Release();
        }

        try
        {
            await done.Task.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException("Ably did not acknowledge the publish in time.", ex) { ProviderName = "Ably", IsRetryable = true };
        }
        finally
        {
            _pending.TryRemove(serial, out _);
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, TaskCompletionSource connected)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        RealtimeException? reason = null;
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), _stopping.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        reason = new RealtimeConnectionException("Ably closed the transport.") { ProviderName = "Ably", IsRetryable = true };
                        return;
                    }

                    buffer.Advance(result.Count);
                }
                while (!result.EndOfMessage);

                // Any frame is a sign of life: the server sends at least a heartbeat every maxIdleInterval.
                _idleTimer?.Change(_idleLimit, Timeout.InfiniteTimeSpan);
                var message = AblyCodec.DecodeProtocolMessage(buffer.WrittenMemory.ToArray(), Format);
                if (!Handle(message, connected, out reason))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or AblyProtocolException or InvalidOperationException)
        {
            reason = new RealtimeConnectionException("The Ably transport failed: " + ex.Message, ex) { ProviderName = "Ably", IsRetryable = true };
        }
        finally
        {
            if (_idleTimer is { } idle)
            {
                _idleTimer = null;
                await idle.DisposeAsync().ConfigureAwait(false);
            }

            if (_idleExpired)
            {
                _idleExpired = false;
                reason = new RealtimeConnectionException($"Ably sent nothing for {_idleLimit.TotalSeconds:0.#} s (maxIdleInterval plus the request timeout); the transport was dropped.") { ProviderName = "Ably", IsRetryable = true };
            }

            reason ??= new RealtimeConnectionException("The Ably transport ended.") { ProviderName = "Ably", IsRetryable = true };
            connected.TrySetException(reason);
            var cleanClose = _state.IsEnded && State != ConnectionState.Failed;
            if (!_state.IsEnded)
            {
                _state.TryTransition(ConnectionState.Disconnected, reason);
            }

            FailAll(reason);
            _onEnded(cleanClose ? null : reason);
            _closed.TrySetResult();
            socket.Abort();
        }
    }

    // Returns false when the transport is finished.
    private bool Handle(ProtocolMessage message, TaskCompletionSource connected, out RealtimeException? reason)
    {
        reason = null;
        switch (message.Action)
        {
            case ProtocolAction.Connected:
                ConnectionId = message.ConnectionId;
                if (message.ConnectionDetails?.MaxMessageSize is { } max and > 0)
                {
                    MaxMessageSize = max;
                }

                if (_idleTimer is null && message.ConnectionDetails?.MaxIdleInterval is { } idleMs and > 0)
                {
                    _idleLimit = TimeSpan.FromMilliseconds(idleMs) + _options.RealtimeRequestTimeout;
                    var socket = _socket;
                    _idleTimer = _options.TimeProvider.CreateTimer(
                        _ =>
                        {
                            _idleExpired = true;
                            socket?.Abort();
                        },
                        null,
                        _idleLimit,
                        Timeout.InfiniteTimeSpan);
                }

                _state.TryTransition(ConnectionState.Connected);
                connected.TrySetResult();
                break;
            case ProtocolAction.Ack:
            case ProtocolAction.Nack:
                var first = message.MsgSerial ?? 0;
                var count = Math.Max(1, message.Count ?? 1);
                for (var s = first; s < first + count; s++)
                {
                    if (_pending.TryRemove(s, out var pending))
                    {
                        if (message.Action == ProtocolAction.Ack)
                        {
                            pending.TrySetResult();
                        }
                        else
                        {
                            pending.TrySetException((message.Error ?? ErrorInfo.Create(50000, "The publish was refused.")).ToException("Ably refused the publish"));
                        }
                    }
                }

                break;
            case ProtocolAction.Heartbeat:
                if (message.Id is { } pingId && _pings.TryRemove(pingId, out var ping))
                {
                    ping.TrySetResult();
                }

                break;
            case ProtocolAction.Error when message.Channel is null:
                reason = (message.Error ?? ErrorInfo.Create(50000, "Connection error.")).ToException("Ably connection error");
                connected.TrySetException(reason);
                _state.TryTransition(ConnectionState.Failed, reason);
                return false;
            case ProtocolAction.Disconnected:
                reason = (message.Error ?? ErrorInfo.Create(80003, "Disconnected by the server.")).ToException("Ably disconnected the connection");
                return false;
            case ProtocolAction.Closed:
                _state.TryTransition(ConnectionState.Closed);
                reason = new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = "Ably" };
                return false;
            default:
                if (message.Channel is { } name && _findChannel(name) is { } channel)
                {
                    channel.Handle(message);
                }

                break;
        }

        return true;
    }

    /// <summary>
    /// A HEARTBEAT round trip: when it returns, frames the server queued for this connection before answering have
    /// usually arrived, so a read that follows sees changes other connections already had acknowledged.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[id] = done;
        try
        {
            await SendAsync(new ProtocolMessage { Action = ProtocolAction.Heartbeat, Id = id }, cancellationToken).ConfigureAwait(false);
            await done.Task.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException("Ably did not answer a heartbeat in time.", ex) { ProviderName = "Ably", IsRetryable = true };
        }
        finally
        {
            _pings.TryRemove(id, out _);
        }
    }

    private void FailAll(RealtimeException reason)
    {
        foreach (var id in _pings.Keys)
        {
            if (_pings.TryRemove(id, out var ping))
            {
                ping.TrySetException(reason);
            }
        }

        foreach (var serial in _pending.Keys)
        {
            if (_pending.TryRemove(serial, out var pending))
            {
                pending.TrySetException(reason);
            }
        }
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        Task? receive;
        lock (_gate)
        {
            if (_state.IsEnded)
            {
                receive = _receiveLoop;
            }
            else if (State == ConnectionState.Connected)
            {
                _state.TryTransition(ConnectionState.Closing);
                receive = _receiveLoop;
            }
            else
            {
                _state.TryTransition(ConnectionState.Closed);
                _stopping.Cancel();
                _socket?.Abort();
                return;
            }
        }

        if (State == ConnectionState.Closing && _socket is { } socket)
        {
            try
            {
                var bytes = AblyCodec.Encode(new ProtocolMessage { Action = ProtocolAction.Close }, Format);
                await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await socket.SendAsync(bytes, Format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                await _closed.Task.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException)
            {
                // The server did not confirm; the connection is closed locally either way.
            }
        }

        _state.TryTransition(ConnectionState.Closed);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket?.Abort();
        if (receive is not null)
        {
            await receive.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _socket?.Dispose();
        _stopping.Dispose();
        _sendLock.Dispose();
    }
}
