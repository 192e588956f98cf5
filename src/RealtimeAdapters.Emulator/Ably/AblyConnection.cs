using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>One realtime WebSocket transport: connects (or resumes) a <see cref="AblyConnectionState"/>, then serves frames.</summary>
internal sealed class AblyConnection : IDisposable
{
    private const int MaxFrameSize = 512 * 1024;
    private const int SyncPageSize = 100;
    private static long _syncCount;
    private readonly AblyServer _server;
    private readonly HttpContext _http;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, ChannelLink> _channels = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _closing;
    private WebSocket? _socket;
    private WireFormat _format = WireFormat.Json;
    private bool _echo = true;
    private AblyConnectionState? _state;
    private ITimer? _expiryTimer;
    private ITimer? _reauthTimer;

    public AblyConnection(AblyServer server, HttpContext http)
    {
        _server = server;
        _http = http;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(server.Stopping, http.RequestAborted);
    }

    public bool IsAttached(string channel) => _channels.ContainsKey(channel);

    public async Task RunAsync()
    {
        var query = _http.Request.Query;
        _format = query["format"].FirstOrDefault() is "msgpack" ? WireFormat.MsgPack : WireFormat.Json;
        _echo = query["echo"].FirstOrDefault() is not "false";
        var heartbeats = query["heartbeats"].FirstOrDefault() is "true";
        _socket = await _http.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        try
        {
            if (!await ConnectAsync(query).ConfigureAwait(false))
            {
                return;
            }

            using var heartbeat = heartbeats
                ? _server.Time.CreateTimer(_ => _ = SendSafeAsync(new ProtocolMessage { Action = ProtocolAction.Heartbeat }), null, _server.Options.MaxIdleInterval / 2, _server.Options.MaxIdleInterval / 2)
                : null;
            await ReceiveLoopAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The transport went away; the state below decides what that means.
        }
        finally
        {
            _expiryTimer?.Dispose();
            _reauthTimer?.Dispose();
            await DrainCloseAsync(_socket).ConfigureAwait(false);
            await DetachAllAsync().ConfigureAwait(false);
            if (_state is { } state && state.Transport == this)
            {
                state.Lost(this, _server);
            }

            _socket.Dispose();
            Dispose();
        }
    }

    public void Dispose()
    {
        _closing.Dispose();
        _sendLock.Dispose();
    }

    private async Task<bool> ConnectAsync(IQueryCollection query)
    {
        if (!AblyServer.IsSupportedVersion(query["v"].FirstOrDefault()))
        {
            await FailAsync(ErrorInfo.Create(AblyErrorCodes.UnsupportedProtocolVersion, "Unsupported protocol version; use 2 to 6.")).ConfigureAwait(false);
            return false;
        }

        AblyAuthContext auth;
        try
        {
            auth = Authenticate(query);
        }
        catch (RealtimeException ex)
        {
            await FailAsync(AblyServer.ToErrorInfo(ex)).ConfigureAwait(false);
            return false;
        }

        var clientId = auth.ClientId;
        if (query["clientId"].FirstOrDefault() is { Length: > 0 } requested)
        {
            if (requested == "*")
            {
                await FailAsync(ErrorInfo.Create(AblyErrorCodes.InvalidClientId, "clientId \"*\" is not allowed as a connection's client id.")).ConfigureAwait(false);
                return false;
            }

            if (clientId is not null && clientId != "*" && clientId != requested)
            {
                await FailAsync(ErrorInfo.Create(AblyErrorCodes.IncompatibleCredentials, "The clientId does not match the token's client id.")).ConfigureAwait(false);
                return false;
            }

            clientId = requested;
        }

        ErrorInfo? resumeError = null;
        var resumeKey = query["resume"].FirstOrDefault() ?? query["recover"].FirstOrDefault();
        if (resumeKey is not null)
        {
            if (_server.Connections.TryGetValue(resumeKey, out var existing) && existing.Auth.KeyName == auth.KeyName)
            {
                _state = existing;
                existing.Auth = auth;
                existing.ClientId = clientId;
            }
            else
            {
                resumeError = ErrorInfo.Create(AblyErrorCodes.InvalidConnectionKey, "Unable to resume: the connection expired or the key is unknown.");
            }
        }

        if (_state is null)
        {
            var connectionId = _server.Hub.CreateConnectionId();
            var connectionKey = connectionId + "!" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 16);
            _state = new AblyConnectionState(connectionId, connectionKey, auth, clientId);
            _server.Connections[connectionKey] = _state;
        }

        var previous = _state.Attach(this);
        if (previous is not null)
        {
            await previous.AbortAsync().ConfigureAwait(false);
        }

        ScheduleExpiry(auth);
        await SendAsync(Connected(resumeError)).ConfigureAwait(false);
        return true;
    }

    private ProtocolMessage Connected(ErrorInfo? error) => new()
    {
        Action = ProtocolAction.Connected,
        ConnectionId = _state!.ConnectionId,
        ConnectionKey = _state.ConnectionKey,
        Error = error,
        ConnectionDetails = new ConnectionDetails
        {
            ClientId = _state.ClientId,
            ConnectionKey = _state.ConnectionKey,
            MaxMessageSize = _server.Options.MaxMessageSize,
            MaxFrameSize = MaxFrameSize,
            MaxInboundRate = 1000,
            ConnectionStateTtl = (long)_server.Options.ConnectionStateTtl.TotalMilliseconds,
            MaxIdleInterval = (long)_server.Options.MaxIdleInterval.TotalMilliseconds,
            ServerId = "realtimeadapters-emulator",
            SiteCode = "local",
        },
    };

    private AblyAuthContext Authenticate(IQueryCollection query)
    {
        if (query["key"].FirstOrDefault() is { } key)
        {
            return _server.Authority.AuthenticateKey(key);
        }

        if ((query["accessToken"].FirstOrDefault() ?? query["access_token"].FirstOrDefault()) is { } token)
        {
            return _server.Authority.AuthenticateToken(token);
        }

        throw AblyAuthority.Fail(AblyErrorCodes.NoAuthMethod, "No credentials: pass key, accessToken or access_token.");
    }

    private void ScheduleExpiry(AblyAuthContext auth)
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        _reauthTimer?.Dispose();
        _reauthTimer = null;
        if (auth.Expires is { } expires)
        {
            var due = expires - _server.Time.GetUtcNow();

            // As the service does: ask for a new token (server AUTH, RTN22) shortly before this one expires.
            var reauthDue = due - TimeSpan.FromSeconds(Math.Min(30, due.TotalSeconds / 4));
            _reauthTimer = _server.Time.CreateTimer(
                _ => _ = SendSafeAsync(new ProtocolMessage { Action = ProtocolAction.Auth }),
                null,
                reauthDue > TimeSpan.Zero ? reauthDue : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
            _expiryTimer = _server.Time.CreateTimer(
                _ => _ = DisconnectAsync(ErrorInfo.Create(AblyErrorCodes.TokenExpired, "Token expired.")),
                null,
                due > TimeSpan.Zero ? due : TimeSpan.Zero,
                Timeout.InfiniteTimeSpan);
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
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, _closing.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseSocketAsync().ConfigureAwait(false);
                    return;
                }

                frame.Write(buffer, 0, result.Count);
                if (frame.Length > MaxFrameSize)
                {
                    await FailAsync(ErrorInfo.Create(AblyErrorCodes.MessageTooLarge, "Frame larger than maxFrameSize.")).ConfigureAwait(false);
                    return;
                }
            }
            while (!result.EndOfMessage);

            ProtocolMessage message;
            try
            {
                var format = result.MessageType == WebSocketMessageType.Binary ? WireFormat.MsgPack : WireFormat.Json;
                message = AblyCodec.DecodeProtocolMessage(frame.ToArray(), format);
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
                await SendAsync(new ProtocolMessage { Action = ProtocolAction.Heartbeat, Id = message.Id }).ConfigureAwait(false);
                return true;
            case ProtocolAction.Close:
                _state!.Closed(_server);
                await SendAsync(new ProtocolMessage { Action = ProtocolAction.Closed, ConnectionId = _state.ConnectionId }).ConfigureAwait(false);
                await CloseSocketAsync().ConfigureAwait(false);
                return false;
            case ProtocolAction.Attach:
                await AttachAsync(message).ConfigureAwait(false);
                return true;
            case ProtocolAction.Detach:
                await DetachAsync(message).ConfigureAwait(false);
                return true;
            case ProtocolAction.Message:
            case ProtocolAction.Presence:
                await PublishAsync(message).ConfigureAwait(false);
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
        await SendAsync(Connected(null)).ConfigureAwait(false);
        return true;
    }

    private async Task AttachAsync(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var problem = ChannelNames.GetProblem(name);
        if (problem is not null)
        {
            await SendChannelErrorAsync(name, ErrorInfo.Create(AblyErrorCodes.InvalidChannelName, "Invalid channel name: " + problem)).ConfigureAwait(false);
            return;
        }

        var capability = _state!.Auth.Capability;
        var permitted = capability.GetPermittedModes(name);
        if (permitted == ProtocolFlags.None)
        {
            await SendChannelErrorAsync(name, ErrorInfo.Create(AblyErrorCodes.CapabilityDenied, $"Channel denied access based on given capability: \"{name}\".")).ConfigureAwait(false);
            return;
        }

        var requested = (message.Flags ?? ProtocolFlags.None).Modes();
        var granted = requested == ProtocolFlags.None ? permitted : requested & permitted;
        if (_channels.TryRemove(name, out var old))
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        MessageReplay? replay = null;
        if (message.ChannelSerial is { Length: > 0 } serial)
        {
            replay = new MessageReplay { AfterSerial = serial };
        }
        else if (message.Params?.GetValueOrDefault("rewind") is { Length: > 0 } rewind)
        {
            replay = ParseRewind(rewind);
        }

        var link = new ChannelLink(name);
        var flags = granted;
        string attachSerial;
        if (granted.Has(ProtocolFlags.Subscribe))
        {
            var attachment = _server.Hub.SubscribeMessages(name, _state.ConnectionId, null, _echo, replay);
            link.Messages = attachment;
            attachSerial = attachment.AttachSerial;
            if (attachment.Resumed)
            {
                flags |= ProtocolFlags.Resumed;
            }

            if (attachment.Replayed > 0)
            {
                flags |= ProtocolFlags.HasBacklog;
            }
        }
        else
        {
            attachSerial = _server.Hub.GetChannelSerial(name);
            if (message.ChannelSerial is not null)
            {
                flags |= ProtocolFlags.Resumed;
            }
        }

        if (granted.Has(ProtocolFlags.PresenceSubscribe))
        {
            link.Presence = _server.Hub.SubscribePresence(name);
            if (link.Presence.Members.Count > 0)
            {
                flags |= ProtocolFlags.HasPresence;
            }
        }

        _channels[name] = link;
        var attached = new ProtocolMessage
        {
            Action = ProtocolAction.Attached,
            Channel = name,
            ChannelSerial = attachSerial,
            Flags = flags,
            Params = message.Params,
        };

        // ATTACHED, then the SYNC, then the pumps: the client sees the attach before any message of the channel.
        await SendAsync(attached).ConfigureAwait(false);
        if (link.Presence is { Members.Count: > 0 } presence)
        {
            // Multi-part SYNC: channelSerial "<syncId>:<cursor>", an empty cursor on the last part (RTP18).
            var syncId = "sync" + Interlocked.Increment(ref _syncCount).ToString(CultureInfo.InvariantCulture);
            for (var offset = 0; offset < presence.Members.Count; offset += SyncPageSize)
            {
                var last = offset + SyncPageSize >= presence.Members.Count;
                await SendAsync(new ProtocolMessage
                {
                    Action = ProtocolAction.Sync,
                    Channel = name,
                    ChannelSerial = syncId + ":" + (last ? string.Empty : (offset + SyncPageSize).ToString(CultureInfo.InvariantCulture)),
                    Presence = [.. presence.Members.Skip(offset).Take(SyncPageSize).Select(m => AblyPayloads.ToWire(m, _format))],
                }).ConfigureAwait(false);
            }
        }

        link.Start(this);
    }

    private static MessageReplay? ParseRewind(string rewind)
    {
        if (int.TryParse(rewind, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return new MessageReplay { LastCount = count };
        }

        if (rewind.Length > 1 && long.TryParse(rewind.AsSpan(0, rewind.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return rewind[^1] switch
            {
                's' => new MessageReplay { Within = TimeSpan.FromSeconds(amount) },
                'm' => new MessageReplay { Within = TimeSpan.FromMinutes(amount) },
                _ => null,
            };
        }

        return null;
    }

    private async Task DetachAsync(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        if (_channels.TryRemove(name, out var link))
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        await SendAsync(new ProtocolMessage { Action = ProtocolAction.Detached, Channel = name }).ConfigureAwait(false);
    }

    private async Task PublishAsync(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var serial = message.MsgSerial ?? 0;
        try
        {
            ChannelNames.Validate(name);
            var state = _state!;
            IReadOnlyList<string?> serials;
            if (message.Action == ProtocolAction.Message)
            {
                RequireCapability(name, "publish");
                var wire = message.Messages ?? [];
                var messages = new List<ChannelMessage>(wire.Count);
                foreach (var m in wire)
                {
                    var size = MessageSize.Of(m);
                    if (size > _server.Options.MaxMessageSize)
                    {
                        throw AblyAuthority.Fail(AblyErrorCodes.MessageTooLarge, $"Message too large: {size} bytes, the limit is {_server.Options.MaxMessageSize}.");
                    }

                    messages.Add(AblyPayloads.FromWire(m));
                }

                serials = _server.Hub.Publish(name, state.ConnectionId, EnforcedClientId(), messages);
            }
            else
            {
                RequireCapability(name, "presence");
                var list = new List<string?>();
                foreach (var p in message.Presence ?? [])
                {
                    var clientId = p.ClientId ?? (state.ClientId is "*" ? null : state.ClientId);
                    if (string.IsNullOrEmpty(clientId))
                    {
                        throw AblyAuthority.Fail(AblyErrorCodes.PresenceWithoutClientId, "Presence needs a client id.");
                    }

                    if (EnforcedClientId() is { } own && own != clientId)
                    {
                        throw AblyAuthority.Fail(AblyErrorCodes.InvalidClientId, "Presence clientId does not match the connection's client id.");
                    }

                    var action = p.Action switch
                    {
                        PresenceAction.Enter or PresenceAction.Present => PresenceAction.Enter,
                        PresenceAction.Update => PresenceAction.Update,
                        PresenceAction.Leave => PresenceAction.Leave,
                        _ => throw AblyAuthority.Fail(AblyErrorCodes.InvalidParameter, "Unknown presence action."),
                    };
                    var decoded = AblyPayloads.FromWire(p with { Action = action, ClientId = clientId });
                    _server.Hub.ApplyPresence(name, state.ConnectionId, decoded);
                    list.Add(null);
                }

                serials = list;
            }

            await SendAsync(new ProtocolMessage
            {
                Action = ProtocolAction.Ack,
                MsgSerial = serial,
                Count = 1,
                Res = [new PublishResult { Serials = serials }],
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RealtimeException or ArgumentException)
        {
            await SendAsync(new ProtocolMessage
            {
                Action = ProtocolAction.Nack,
                MsgSerial = serial,
                Count = 1,
                Error = AblyServer.ToErrorInfo(ex),
            }).ConfigureAwait(false);
        }
    }

    private string? EnforcedClientId() => _state!.ClientId is null or "*" ? null : _state.ClientId;

    private void RequireCapability(string channel, string operation)
    {
        if (!_state!.Auth.Capability.Allows(channel, operation))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.CapabilityDenied, $"Action not permitted: no '{operation}' capability on channel \"{channel}\".");
        }
    }

    internal async Task PumpMessagesAsync(string channel, RealtimeSubscription<ChannelMessage> subscription, CancellationToken cancellationToken)
    {
        await foreach (var message in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await SendAsync(new ProtocolMessage
            {
                Action = ProtocolAction.Message,
                Channel = channel,
                ChannelSerial = message.Serial,
                Id = message.Id,
                ConnectionId = message.ConnectionId,
                Timestamp = MessageMapper.ToMilliseconds(message.Timestamp),
                Messages = [AblyPayloads.ToWire(message, _format)],
            }).ConfigureAwait(false);
        }
    }

    internal async Task PumpPresenceAsync(string channel, RealtimeSubscription<PresenceMessage> subscription, CancellationToken cancellationToken)
    {
        await foreach (var message in subscription.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await SendAsync(new ProtocolMessage
            {
                Action = ProtocolAction.Presence,
                Channel = channel,
                Presence = [AblyPayloads.ToWire(message, _format)],
            }).ConfigureAwait(false);
        }
    }

    private async Task SendChannelErrorAsync(string channel, ErrorInfo error) =>
        await SendAsync(new ProtocolMessage { Action = ProtocolAction.Error, Channel = channel, Error = error }).ConfigureAwait(false);

    private async Task FailAsync(ErrorInfo error)
    {
        await SendSafeAsync(new ProtocolMessage { Action = ProtocolAction.Error, Error = error }).ConfigureAwait(false);
        await CloseSocketAsync().ConfigureAwait(false);
    }

    /// <summary>Ends this transport with DISCONNECTED; the connection stays resumable.</summary>
    private async Task DisconnectAsync(ErrorInfo error)
    {
        await SendSafeAsync(new ProtocolMessage { Action = ProtocolAction.Disconnected, Error = error }).ConfigureAwait(false);
        await CloseSocketAsync().ConfigureAwait(false);
    }

    /// <summary>Another transport resumed this connection: drop this one.</summary>
    internal async Task AbortAsync()
    {
        try
        {
            await _closing.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CloseSocketAsync()
    {
        try
        {
            if (_socket is { State: WebSocketState.Open or WebSocketState.CloseReceived } socket)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
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
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task SendSafeAsync(ProtocolMessage message)
    {
        try
        {
            await SendAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    private async Task SendAsync(ProtocolMessage message)
    {
        var bytes = AblyCodec.Encode(message, _format);
        await _sendLock.WaitAsync(_server.Stopping).ConfigureAwait(false);
        try
        {
            if (_socket is { State: WebSocketState.Open or WebSocketState.CloseReceived } socket)
            {
                await socket.SendAsync(
                    bytes,
                    _format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text,
                    endOfMessage: true,
                    CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _sendLock.Release();
        }
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

    /// <summary>One attached channel: its subscriptions and the tasks pumping them to the socket.</summary>
    private sealed class ChannelLink(string name) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _messages;
        private Task? _presence;

        public MessageAttachment? Messages { get; set; }

        public PresenceAttachment? Presence { get; set; }

        public void Start(AblyConnection owner)
        {
            if (Messages is { } m)
            {
                _messages = Guard(owner.PumpMessagesAsync(name, m.Subscription, _stop.Token));
            }

            if (Presence is { } p)
            {
                _presence = Guard(owner.PumpPresenceAsync(name, p.Subscription, _stop.Token));
            }
        }

        private static async Task Guard(Task pump)
        {
            try
            {
                await pump.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException or IOException or RealtimeException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            if (Messages is { } m)
            {
                await m.Subscription.DisposeAsync().ConfigureAwait(false);
            }

            if (Presence is { } p)
            {
                await p.Subscription.DisposeAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(_messages ?? Task.CompletedTask, _presence ?? Task.CompletedTask).ConfigureAwait(false);
            _stop.Dispose();
        }
    }
}
