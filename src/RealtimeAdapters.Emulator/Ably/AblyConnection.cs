using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator.Hosting;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// One realtime WebSocket transport: connects (or resumes) a <see cref="AblyConnectionState"/>, then serves frames.
/// Every outbound frame goes through one queue written by one loop, so frames leave in the order they were queued, and
/// queueing never waits for the client (a client that falls <see cref="MaxOutboundBacklog"/> frames behind loses its
/// transport, as a network cut: it can resume and re-attach from its channel serials).
/// </summary>
internal sealed class AblyConnection : IDisposable
{
    /// <summary>Outbound frames a client may leave unread before its transport is dropped.</summary>
    internal const int MaxOutboundBacklog = 200_000;
    private const int MaxFrameSize = 512 * 1024;
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

        // resume: this client instance's own connection (RTN15); recover: a previous instance's (RTN16), which has no
        // unacknowledged frames to resend here, so the publish bookkeeping starts again. resume wins when both are sent.
        var resumeKey = query["resume"].FirstOrDefault();
        var recovering = resumeKey is null;
        resumeKey ??= query["recover"].FirstOrDefault();
        if (resumeKey is not null)
        {
            var verb = recovering ? "recover" : "resume";
            if (!resumeKey.Contains('!', StringComparison.Ordinal))
            {
                resumeError = ErrorInfo.Create(AblyErrorCodes.InvalidConnectionKey, $"Unable to {verb}: invalid connection key.");
            }
            else if (_server.Connections.TryGetValue(resumeKey, out var existing) && existing.Auth.KeyName == auth.KeyName)
            {
                _state = existing;
                existing.Auth = auth;
                existing.ClientId = clientId;
                if (recovering)
                {
                    existing.ResetPublishTracking();
                }
            }
            else
            {
                resumeError = ErrorInfo.Create(AblyErrorCodes.RecoveryFailed, $"Unable to {verb} connection: the connection expired or is unknown.");
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
        Post(Connected(resumeError));
        Volatile.Write(ref _live, 1);
        _server.TransportReady(_state.ConnectionId, this);
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
                _ => Post(new ProtocolMessage { Action = ProtocolAction.Auth }),
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
        // Without requested modes a client gets the default ones: the object modes only when asked for (LiveObjects clients
        // request them), so plain channel clients receive no object sync.
        var granted = requested == ProtocolFlags.None ? permitted & ~(ProtocolFlags.ObjectSubscribe | ProtocolFlags.ObjectPublish) : requested & permitted;
        MessageReplay? replay = null;
        var resuming = message.ChannelSerial is { Length: > 0 };
        if (resuming)
        {
            replay = new MessageReplay { AfterSerial = message.ChannelSerial };
        }
        else if (message.Params?.GetValueOrDefault("rewind") is { Length: > 0 } rewind)
        {
            // Refused before anything changes: the channel fails, the connection and its other channels carry on.
            if (ParseRewind(rewind) is not { } rewound)
            {
                await SendChannelErrorAsync(name, ErrorInfo.Create(
                    AblyErrorCodes.InvalidParameter,
                    "Invalid rewind parameter: a message count up to 2147483647 or a duration in seconds or minutes (\"10\", \"30s\", \"2m\") up to 10675199 days.")).ConfigureAwait(false);
                return;
            }

            replay = rewound;
        }

        if (_channels.TryRemove(name, out var old))
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }

        var link = new ChannelLink(name);

        // Held until ATTACHED and the SYNC are queued: a publisher flushing this channel's presence (see Publish) waits
        // for them, so a presence event is queued after the SYNC that does not contain it.
        lock (link.Gate)
        {
            var flags = granted;
            string attachSerial;
            if (granted.Has(ProtocolFlags.Subscribe))
            {
                var attachment = _server.Hub.SubscribeMessages(name, _state.ConnectionId, null, _echo, replay);
                link.Messages = new SubscriptionDrain<ChannelMessage>(attachment.Subscription, m => Post(MessageFrame(name, m)), link.MessageGate, _server.DrainScheduler);
                link.MessageSubscription = attachment.Subscription;
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
                if (resuming)
                {
                    flags |= ProtocolFlags.Resumed;
                }
            }

            IReadOnlyList<PresenceMessage>? members = null;
            if (granted.Has(ProtocolFlags.PresenceSubscribe))
            {
                var presence = _server.Hub.SubscribePresence(name);
                link.Presence = new SubscriptionDrain<PresenceMessage>(presence.Subscription, p => Post(PresenceFrame(name, p)), link.Gate, _server.DrainScheduler);
                link.PresenceSubscription = presence.Subscription;

                // Presence events are not replayed from a channelSerial: a re-attach always gets a complete SYNC, even an
                // empty one, so the client's member set drops whoever left while it was away (RTP18, RTP19). Without
                // HAS_PRESENCE a RESUMED attach would leave the old set in place (ably-js only clears it when not resumed).
                if (presence.Members.Count > 0 || resuming)
                {
                    flags |= ProtocolFlags.HasPresence;
                    members = presence.Members;
                }
            }

            _channels[name] = link;

            // ATTACHED, then the SYNC, then live events: the client sees the attach before any message of the channel.
            var attached = new ProtocolMessage
            {
                Action = ProtocolAction.Attached,
                Channel = name,
                ChannelSerial = attachSerial,
                Flags = flags,
                Params = message.Params,
            };
            if (granted.Has(ProtocolFlags.ObjectSubscribe))
            {
                // Every ATTACHED with object_subscribe, resumed ones too, is followed by a full OBJECT_SYNC (RTO4): under the
                // channel's objects lock, so the sync holds the operations before it and the attachment gets all after it.
                attached.Flags = flags | ProtocolFlags.HasObjects;
                link.Objects = _server.Objects.Get(name).Attach(() => Post(attached), Post);
            }
            else
            {
                Post(attached);
            }
            if (members is not null)
            {
                PostSync(name, members);
            }

            link.Presence?.Start();
        }

        link.Messages?.Start();
    }

    /// <summary>A multi-part SYNC: channelSerial <c>&lt;syncId&gt;:&lt;cursor&gt;</c>, an empty cursor on the last part (RTP18); at least one part.</summary>
    private void PostSync(string channel, IReadOnlyList<PresenceMessage> members)
    {
        var syncId = "sync" + Interlocked.Increment(ref _syncCount).ToString(CultureInfo.InvariantCulture);
        var offset = 0;
        do
        {
            var last = offset + SyncPageSize >= members.Count;
            Post(new ProtocolMessage
            {
                Action = ProtocolAction.Sync,
                Channel = channel,
                ChannelSerial = syncId + ":" + (last ? string.Empty : (offset + SyncPageSize).ToString(CultureInfo.InvariantCulture)),
                Presence = [.. members.Skip(offset).Take(SyncPageSize).Select(m => AblyPayloads.ToWire(m, _format))],
            });
            offset += SyncPageSize;
        }
        while (offset < members.Count);
    }

    /// <summary>A rewind of N messages or a duration (<c>30s</c>, <c>2m</c>); null when it is neither or out of range.</summary>
    private static MessageReplay? ParseRewind(string rewind)
    {
        if (int.TryParse(rewind, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return new MessageReplay { LastCount = count };
        }

        var unitTicks = rewind.Length > 1 ? rewind[^1] switch
        {
            's' => TimeSpan.TicksPerSecond,
            'm' => TimeSpan.TicksPerMinute,
            _ => 0L,
        } : 0L;

        // The amount must fit a TimeSpan: TimeSpan.FromMinutes would throw on overflow.
        return unitTicks > 0 &&
            long.TryParse(rewind.AsSpan(0, rewind.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) &&
            amount <= TimeSpan.MaxValue.Ticks / unitTicks
            ? new MessageReplay { Within = TimeSpan.FromTicks(amount * unitTicks) }
            : null;
    }


    private async Task DetachAsync(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        if (_channels.TryRemove(name, out var link))
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }

        // A connection cannot be present on a channel it is not attached to: detaching makes its members leave, and the
        // LEAVEs reach the other connections before this one sees DETACHED.
        if (ChannelNames.GetProblem(name) is null && _server.Hub.RemoveConnectionPresence(_state!.ConnectionId, name) > 0)
        {
            _server.FlushPresence(name);
        }

        Post(new ProtocolMessage { Action = ProtocolAction.Detached, Channel = name });
    }

    private void Publish(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var state = _state!;
        var presence = message.Action == ProtocolAction.Presence;
        var result = state.PublishOnce(message.MsgSerial, () => PublishNow(message, name), out var duplicate);
        if (presence && !duplicate && result.Action == ProtocolAction.Ack)
        {
            // The hub has fanned the event out into each attached connection's subscription; move it into their outbound
            // queues before the ACK goes out, so a client that sees the ACK and then asks another connection (a frame
            // round trip) finds the change there. Queueing never waits on a slow client.
            _server.FlushPresence(name);
        }

        Post(result);
    }

    private ProtocolMessage PublishNow(ProtocolMessage message, string name)
    {
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
                    // The id is the server's (connectionId:serial:index): clients order a member's events by it (RTP2b), so
                    // one taken from the client could make the member's later LEAVE look older than its ENTER.
                    var decoded = AblyPayloads.FromWire(p with { Action = action, ClientId = clientId, Id = null });
                    _server.Hub.ApplyPresence(name, state.ConnectionId, decoded);
                    list.Add(null);
                }

                serials = list;
            }

            return new ProtocolMessage
            {
                Action = ProtocolAction.Ack,
                MsgSerial = serial,
                Count = 1,
                Res = [new PublishResult { Serials = serials }],
            };
        }
        catch (Exception ex) when (ex is RealtimeException or ArgumentException)
        {
            return new ProtocolMessage
            {
                Action = ProtocolAction.Nack,
                MsgSerial = serial,
                Count = 1,
                Error = AblyServer.ToErrorInfo(ex),
            };
        }
    }

    private string? EnforcedClientId() => _state!.ClientId is null or "*" ? null : _state.ClientId;

    /// <summary>OBJECT: LiveObjects operations, all applied or none; broadcast to the channel's object subscribers before the ACK.</summary>
    private void PublishObjects(ProtocolMessage message)
    {
        var name = message.Channel ?? string.Empty;
        var state = _state!;
        var result = state.PublishOnce(message.MsgSerial, () =>
        {
            var serial = message.MsgSerial ?? 0;
            try
            {
                ChannelNames.Validate(name);
                RequireCapability(name, "object-publish");
                var serials = _server.Objects.Get(name).Publish(message.State ?? [], state.ConnectionId, EnforcedClientId(), message.MsgSerial, _server.Options.MaxMessageSize);
                return new ProtocolMessage { Action = ProtocolAction.Ack, MsgSerial = serial, Count = 1, Res = [new PublishResult { Serials = serials }] };
            }
            catch (Exception ex) when (ex is RealtimeException or ArgumentException)
            {
                return new ProtocolMessage { Action = ProtocolAction.Nack, MsgSerial = serial, Count = 1, Error = AblyServer.ToErrorInfo(ex) };
            }
        }, out _);
        Post(result);
    }

    private void RequireCapability(string channel, string operation)
    {
        if (!_state!.Auth.Capability.Allows(channel, operation))
        {
            throw AblyAuthority.Fail(AblyErrorCodes.CapabilityDenied, $"Action not permitted: no '{operation}' capability on channel \"{channel}\".");
        }
    }


    private ProtocolMessage MessageFrame(string channel, ChannelMessage message) => new()
    {
        Action = ProtocolAction.Message,
        Channel = channel,
        ChannelSerial = message.Serial,
        Id = message.Id,
        ConnectionId = message.ConnectionId,
        Timestamp = MessageMapper.ToMilliseconds(message.Timestamp),
        Messages = [AblyPayloads.ToWire(message, _format)],
    };

    private ProtocolMessage PresenceFrame(string channel, PresenceMessage message) => new()
    {
        Action = ProtocolAction.Presence,
        Channel = channel,
        Presence = [AblyPayloads.ToWire(message, _format)],
    };

    /// <summary>Queues whatever presence events of <paramref name="channel"/> this transport's subscription holds.</summary>
    internal void FlushPresence(string channel)
    {
        if (_channels.TryGetValue(channel, out var link))
        {
            link.Presence?.Drain();
        }
    }

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
            await done.Task.ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync(WebSocket socket)
    {
        var reader = _outbound.Reader;
        var type = _format == WireFormat.MsgPack ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
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
                            await socket.SendAsync(AblyCodec.Encode(message, _format), type, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
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
                    item.Done?.TrySetResult();
                }
            }
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
