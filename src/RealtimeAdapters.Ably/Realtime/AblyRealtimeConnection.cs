using System.Globalization;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// The Ably connection state machine (RTN): connects, resumes with the connection key after a lost transport (at once the
/// first time, then with RTB1 backoff and jitter), becomes suspended after connectionStateTtl without a connection, renews
/// tokens on token errors and server AUTH, and keeps msgSerial bookkeeping: publishes wait in order while connecting or
/// disconnected, unacknowledged ones are resent after a transport change, all fail on suspended, closed or failed.
/// Transport sessions come and go; this object lives as long as the client.
/// </summary>
internal sealed class AblyRealtimeConnection : IRealtimeConnection, IAsyncDisposable
{
    private readonly AblyChannelClientOptions _options;
    private readonly IAblyCredentialSource _credentials;
    private readonly Func<string, AblyChannel?> _findChannel;
    private readonly Func<IEnumerable<AblyChannel>> _allChannels;
    private readonly ConnectionStateTracker _state = new();
    private readonly Lock _gate = new();
    private readonly List<Outbound> _inFlight = [];
    private readonly List<Outbound> _queued = [];
    private readonly List<TaskCompletionSource> _waiters = [];
    private readonly Dictionary<string, TaskCompletionSource> _pings = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private AblyTransportSession? _session;
    private AblyTransportSession? _connecting;
    private TaskCompletionSource? _connectedSignal;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private long _msgSerial;
    private string? _connectionKey;
    private string? _recoverKey;
    private bool _resumeAttempted;
    private bool _recoverAttempted;
    private bool _closeRequested;
    private RealtimeException? _endReason;
    private ConnectionDetails? _details;
    private Uri _endpoint;
    private Queue<Uri>? _untried;
    private TaskCompletionSource _updated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The application's HTTP pipeline for the WebSocket upgrade (the same handler as REST), or null for the socket's own.
    private readonly HttpMessageInvoker? _invoker;

    public AblyRealtimeConnection(
        AblyChannelClientOptions options,
        IAblyCredentialSource credentials,
        Func<string, AblyChannel?> findChannel,
        Func<IEnumerable<AblyChannel>> allChannels,
        HttpMessageInvoker? invoker = null)
    {
        _options = options;
        _invoker = invoker;
        _credentials = credentials;
        _findChannel = findChannel;
        _allChannels = allChannels;
        Format = options.UseBinaryProtocol ? WireFormat.MsgPack : WireFormat.Json;
        _endpoint = options.Endpoint!;
        if (options.RecoveryKey is { } text && AblyRecoveryKey.TryParse(text, out _) is { } recovery)
        {
            _recoverKey = recovery.ConnectionKey;
            _msgSerial = recovery.MsgSerial;
        }
    }

    /// <summary>The protocol version this client speaks (<c>v</c>, <c>X-Ably-Version</c>).</summary>
    public const string ProtocolVersion = "6";

    /// <summary>The <c>Ably-Agent</c> / <c>agent</c> value: this library and the runtime (RSC7d).</summary>
    public static readonly string Agent =
        "realtime-adapters/" + (typeof(AblyRealtimeConnection).Assembly.GetName().Version?.ToString(3) ?? "0.0.0") +
        " dotnet/" + Environment.Version.ToString(3);

    public WireFormat Format { get; }

    /// <summary>The id of the current (or last) connection.</summary>
    public string? ConnectionId { get; private set; }

    /// <summary>The server's limit from CONNECTED (65536 until then).</summary>
    public long MaxMessageSize { get; private set; } = 65536;

    /// <summary>Whether a CONNECTED has told this connection its account's message size limit (until then it is assumed 65536).</summary>
    public bool KnowsMaxMessageSize => _details?.MaxMessageSize is > 0;

    /// <summary>The site code of the current connection (CD2j), which LiveObjects operations applied on their ACK carry.</summary>
    public string? SiteCode => _details?.SiteCode;

    public ConnectionState State => _state.State;

    public ConnectionStateChange? LastChange => _state.LastChange;

    public TimeProvider Time => _options.TimeProvider;

    public TimeSpan RequestTimeout => _options.RealtimeRequestTimeout;

    /// <summary>The connection key and next msgSerial for a recovery key, or null before the first connection.</summary>
    public (string ConnectionKey, long MsgSerial)? GetRecoveryState()
    {
        lock (_gate)
        {
            return _connectionKey is { } key && _state.State is not (ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed)
                ? (key, _msgSerial)
                : null;
        }
    }

    /// <summary>How many publishes wait for an ACK or for the connection (for tests and diagnostics).</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count + _queued.Count;
            }
        }
    }

    /// <summary>Completes at the next in-place update of the live connection (the CONNECTED that answers an AUTH, RTN24).</summary>
    public Task NextUpdateAsync()
    {
        lock (_gate)
        {
            return _updated.Task;
        }
    }

    public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => _state.Watch(buffer);

    /// <summary>
    /// Connects (or retries now when disconnected or suspended); completes when connected, fails when this attempt ends in
    /// disconnected, suspended, closed or failed.
    /// </summary>
    public ValueTask ConnectAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            switch (_state.State)
            {
                case ConnectionState.Connected when _session is not null:
                    return ValueTask.CompletedTask;
                case ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed:
                    return ValueTask.FromException(EndedError());
                case ConnectionState.Disconnected or ConnectionState.Suspended:
                    // An explicit request retries now instead of waiting for the backoff.
                    _wake.TrySetResult();
                    break;
            }

            _waiters.Add(done);
            StartLoop();
        }

        return new(done.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Starts connecting if nothing has started yet (operations connect implicitly).</summary>
    public void EnsureStarted()
    {
        lock (_gate)
        {
            StartLoop();
        }
    }

    private void StartLoop()
    {
        if (_loop is null && !_closeRequested)
        {
            _loop = Task.Run(RunAsync);
        }
    }

    /// <summary>Why operations cannot proceed in the current (suspended, closing, closed or failed) state.</summary>
    public RealtimeException StateError()
    {
        lock (_gate)
        {
            return _state.State == ConnectionState.Suspended ? Suspended(_state.LastChange?.Reason) : EndedError();
        }
    }

    private RealtimeException EndedError() =>
        _endReason ?? new RealtimeConnectionException($"The Ably connection is {_state.State}.")
        {
            ErrorCode = AblyErrorCodes.ConnectionClosed.ToString(CultureInfo.InvariantCulture),
            ProviderName = AblyChannelClient.Name,
        };

    /// <summary>
    /// Sends a MESSAGE or PRESENCE that takes the next msgSerial; completes on its ACK, fails on its NACK. While
    /// connecting or disconnected it waits in order (when <see cref="AblyChannelClientOptions.QueueMessages"/>).
    /// </summary>
    public Task SendAckedAsync(ProtocolMessage message, CancellationToken cancellationToken) => SendForResultAsync(message, cancellationToken);

    /// <summary>As <see cref="SendAckedAsync"/>, completing with the ACK's result for the message (its serials).</summary>
    public Task<PublishResult?> SendForResultAsync(ProtocolMessage message, CancellationToken cancellationToken)
    {
        var item = new Outbound(message);
        lock (_gate)
        {
            var state = _state.State;
            if (state == ConnectionState.Connected && _session is { } session)
            {
                message.MsgSerial = _msgSerial++;
                _inFlight.Add(item);

                // If the session has just ended the message stays in flight and is resent on the next transport.
                session.TrySend(message);
            }
            else if (state is ConnectionState.Initialized or ConnectionState.Connecting or ConnectionState.Disconnected or ConnectionState.Connected)
            {
                if (!_options.QueueMessages)
                {
                    StartLoop();
                    return Task.FromException<PublishResult?>(new RealtimeConnectionException($"The Ably connection is {state} and QueueMessages is off.")
                    {
                        ErrorCode = AblyErrorCodes.ConnectionDisconnected.ToString(CultureInfo.InvariantCulture),
                        ProviderName = AblyChannelClient.Name,
                        IsRetryable = true,
                    });
                }

                _queued.Add(item);
                StartLoop();
            }
            else
            {
                return Task.FromException<PublishResult?>(state == ConnectionState.Suspended
                    ? Suspended(_state.LastChange?.Reason)
                    : EndedError());
            }
        }

        return item.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sends a frame now if connected (ATTACH, DETACH, HEARTBEAT); returns the session used, or null when not connected.</summary>
    public AblyTransportSession? TrySendNow(ProtocolMessage message)
    {
        lock (_gate)
        {
            if (_state.State == ConnectionState.Connected && _session is { } session && session.TrySend(message))
            {
                return session;
            }

            return null;
        }
    }

    /// <summary>
    /// A HEARTBEAT round trip: when it returns, frames the server queued for this connection before answering have
    /// arrived, so a read that follows sees changes other connections already had acknowledged.
    /// </summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _pings[id] = done;
        }

        try
        {
            if (TrySendNow(new ProtocolMessage { Action = ProtocolAction.Heartbeat, Id = id }) is null)
            {
                throw new RealtimeConnectionException($"The Ably connection is {State}.") { ProviderName = AblyChannelClient.Name, IsRetryable = true };
            }

            await done.Task.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException("Ably did not answer a heartbeat in time.", ex) { ProviderName = AblyChannelClient.Name, IsRetryable = true };
        }
        finally
        {
            lock (_gate)
            {
                _pings.Remove(id);
            }
        }
    }

    private async Task RunAsync()
    {
        var stop = _stopping.Token;
        var attempt = 0;
        DateTimeOffset? downSince = null;
        var renew = false;
        var renewed = false;
        while (true)
        {
            if (_closeRequested || stop.IsCancellationRequested ||
                (_state.State != ConnectionState.Connecting && !_state.TryTransition(ConnectionState.Connecting)))
            {
                Finish(ConnectionState.Closed, null);
                return;
            }

            var (outcome, wasConnected) = await AttemptAsync(renew, stop).ConfigureAwait(false);
            renew = false;
            if (outcome.Kind == SessionEndKind.Closed || _closeRequested || stop.IsCancellationRequested)
            {
                Finish(ConnectionState.Closed, null);
                return;
            }

            if (outcome.Kind == SessionEndKind.Fatal)
            {
                Finish(ConnectionState.Failed, outcome.Reason);
                return;
            }

            var now = _options.TimeProvider.GetUtcNow();
            if (wasConnected)
            {
                renewed = false;
                attempt = 0;
                downSince = now;
            }

            if (outcome.Kind == SessionEndKind.TokenError)
            {
                if (!_credentials.CanRenew || renewed)
                {
                    var error = _credentials.CanRenew
                        ? outcome.Reason
                        : ErrorInfo.Create(AblyErrorCodes.TokenRenewalNotConfigured, "The token was refused and no means to renew it is configured (set AuthCallback, or Key with UseTokenAuth).")
                            .ToException("Ably authentication");
                    Finish(ConnectionState.Failed, error);
                    return;
                }

                // RTN14b / RTN15h2: one renewal, then reconnect (resuming) at once.
                renew = true;
                renewed = true;
                downSince ??= now;
                Disconnected(outcome.Reason, now);
                continue;
            }

            if (wasConnected)
            {
                // RTN15a: after losing an established connection, the first attempt to resume is immediate.
                Disconnected(outcome.Reason, now);
                continue;
            }

            // RTN17: an endpoint that cannot be reached → the next fallback, within the same connecting state (not when it
            // was the credentials that failed).
            if (outcome.Reason is not RealtimeAuthenticationException && NextEndpoint())
            {
                continue;
            }

            downSince ??= now;
            attempt++;
            // The retry timer starts before the state is announced, so that whoever sees RetryAt can rely on it.
            var suspend = now - downSince.Value >= ConnectionTiming.ConnectionStateTtl(_details);
            var delay = suspend ? _options.SuspendedRetryTimeout : ConnectionTiming.RetryDelay(_options.DisconnectedRetryTimeout, attempt);
            var retry = WaitRetryAsync(delay, stop);
            if (suspend)
            {
                EnterSuspended(outcome.Reason, now + delay);
            }
            else
            {
                Disconnected(outcome.Reason, now + delay);
            }

            await retry.ConfigureAwait(false);
        }
    }

    private async Task WaitRetryAsync(TimeSpan delay, CancellationToken stop)
    {
        Task wake;
        lock (_gate)
        {
            wake = _wake.Task;
        }

        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            var timer = Task.Delay(delay, _options.TimeProvider, cancel.Token);
            await Task.WhenAny(wake, timer).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task<(SessionOutcome Outcome, bool WasConnected)> AttemptAsync(bool renew, CancellationToken stop)
    {
        string credential;
        try
        {
            credential = await _credentials.GetQueryParameterAsync(renew, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return (new SessionOutcome(SessionEndKind.Closed, EndedError()), false);
        }
        catch (RealtimeException ex)
        {
            // RSA4c: a failing auth callback or token request leaves the connection disconnected (retried), unless refused outright.
            return (new SessionOutcome(ex.IsRetryable ? SessionEndKind.Lost : SessionEndKind.Fatal, ex), false);
        }

        var session = new AblyTransportSession(Format, _options.TimeProvider, OnFrame, _invoker);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? resumeKey;
        string? recoverKey;
        lock (_gate)
        {
            if (_closeRequested)
            {
                return (new SessionOutcome(SessionEndKind.Closed, EndedError()), false);
            }

            if (_wake.Task.IsCompleted)
            {
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            resumeKey = _connectionKey;
            _resumeAttempted = resumeKey is not null;
            recoverKey = resumeKey is null ? _recoverKey : null;
            _recoverAttempted = recoverKey is not null;
            _connecting = session;
            _connectedSignal = connected;
        }

        try
        {
            await session.OpenAsync(BuildUri(credential, resumeKey, recoverKey), _options.RealtimeRequestTimeout, stop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or HttpRequestException or IOException)
        {
            var reason = new RealtimeConnectionException("Could not connect to Ably: " + ex.Message, ex)
            {
                ErrorCode = AblyErrorCodes.ConnectionDisconnected.ToString(CultureInfo.InvariantCulture),
                ProviderName = AblyChannelClient.Name,
                IsRetryable = true,
            };
            session.End(new SessionOutcome(SessionEndKind.Lost, reason));
            session.Dispose();
            lock (_gate)
            {
                _connecting = null;
            }

            return (new SessionOutcome(SessionEndKind.Lost, reason), false);
        }

        session.Start();
        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop))
        {
            await Task.WhenAny(connected.Task, session.Completion, Task.Delay(_options.RealtimeRequestTimeout, _options.TimeProvider, cancel.Token)).ConfigureAwait(false);
            await cancel.CancelAsync().ConfigureAwait(false);
        }

        // Whether the server confirmed is decided under the gate, not by which task WhenAny saw first: the timeout can fire
        // after the CONNECTED was applied but before this loop ran (a timer completes its task inline, the confirmation's
        // continuation is queued), and a confirmed connection is not dropped as unconfirmed. Once this attempt is given up,
        // a late CONNECTED is ignored (OnConnected checks _connecting).
        bool confirmed;
        lock (_gate)
        {
            confirmed = connected.Task.IsCompleted;
            if (!confirmed && ReferenceEquals(_connecting, session))
            {
                _connecting = null;
            }
        }

        if (!confirmed && !session.IsEnded)
        {
            session.End(new SessionOutcome(SessionEndKind.Lost, new RealtimeConnectionException("Ably did not confirm the connection in time.")
            {
                ErrorCode = AblyErrorCodes.ConnectionTimedOut.ToString(CultureInfo.InvariantCulture),
                ProviderName = AblyChannelClient.Name,
                IsRetryable = true,
            }));
        }

        var outcome = await session.Completion.ConfigureAwait(false);
        session.Dispose();
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                _session = null;
            }

            if (ReferenceEquals(_connecting, session))
            {
                _connecting = null;
            }

            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(outcome.Reason);
            }
        }

        foreach (var channel in _allChannels())
        {
            channel.OnTransportLost();
        }

        return (outcome, connected.Task.IsCompleted);
    }

    // Moves to the next untried fallback; false (back at the primary endpoint) when all were tried.
    private bool NextEndpoint()
    {
        lock (_gate)
        {
            if (_untried is null)
            {
                var fallbacks = _options.EffectiveFallbacks();
                if (fallbacks.Count == 0)
                {
                    return false;
                }

                _untried = new Queue<Uri>(fallbacks.OrderBy(static _ => Random.Shared.Next()));
            }

            if (_untried.TryDequeue(out var next))
            {
                _endpoint = next;
                return true;
            }

            _untried = null;
            _endpoint = _options.Endpoint!;
            return false;
        }
    }

    private Uri BuildUri(string credential, string? resumeKey, string? recoverKey)
    {
        Uri endpoint;
        lock (_gate)
        {
            endpoint = _endpoint;
        }

        var query = string.Create(CultureInfo.InvariantCulture,
            $"{credential}&format={(Format == WireFormat.MsgPack ? "msgpack" : "json")}&v={ProtocolVersion}&heartbeats=true&echo={(_options.EchoMessages ? "true" : "false")}&agent={Uri.EscapeDataString(Agent)}");
        if (_options.ClientId is { } clientId)
        {
            query += "&clientId=" + Uri.EscapeDataString(clientId);
        }

        if (resumeKey is not null)
        {
            query += "&resume=" + Uri.EscapeDataString(resumeKey);
        }
        else if (recoverKey is not null)
        {
            query += "&recover=" + Uri.EscapeDataString(recoverKey);
        }

        var scheme = endpoint.Scheme is "https" or "wss" ? "wss" : "ws";
        return new UriBuilder(endpoint) { Scheme = scheme, Query = query }.Uri;
    }

    // Called on the session's receive loop, one frame at a time, in order.
    private void OnFrame(AblyTransportSession session, ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Connected:
                OnConnected(session, message);
                return;
            case ProtocolAction.Ack:
            case ProtocolAction.Nack:
                OnAck(session, message);
                return;
            case ProtocolAction.Heartbeat:
                if (message.Id is { } pingId)
                {
                    lock (_gate)
                    {
                        if (_pings.Remove(pingId, out var ping))
                        {
                            ping.TrySetResult();
                        }
                    }
                }

                return;
            case ProtocolAction.Auth:
                _ = ReauthorizeAsync(session);
                return;
            case ProtocolAction.Error when message.Channel is null:
            {
                var error = message.Error ?? ErrorInfo.Create(AblyErrorCodes.ConnectionFailed, "Connection error.");
                var kind = AblyErrorCodes.IsTokenError(error.Code) ? SessionEndKind.TokenError : SessionEndKind.Fatal;
                session.End(new SessionOutcome(kind, error.ToException("Ably connection error")));
                return;
            }

            case ProtocolAction.Disconnected:
            {
                var error = message.Error ?? ErrorInfo.Create(AblyErrorCodes.ConnectionDisconnected, "Disconnected by the server.");
                var kind = AblyErrorCodes.IsTokenError(error.Code) ? SessionEndKind.TokenError : SessionEndKind.Lost;
                session.End(new SessionOutcome(kind, error.ToException("Ably disconnected the connection")));
                return;
            }

            case ProtocolAction.Closed:
                session.EndClosed();
                return;
            default:
                if (message.Channel is { } name && IsCurrent(session) && _findChannel(name) is { } channel)
                {
                    channel.Handle(message);
                }

                return;
        }
    }

    private bool IsCurrent(AblyTransportSession session)
    {
        lock (_gate)
        {
            return ReferenceEquals(_session, session);
        }
    }

    private void OnConnected(AblyTransportSession session, ProtocolMessage message)
    {
        var details = message.ConnectionDetails;
        bool resumed;
        RealtimeException? continuity = null;
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                // RTN24: a CONNECTED on a live connection (after AUTH) updates the details; it is not a new connection.
                ApplyDetails(message, details);
                _updated.TrySetResult();
                _updated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return;
            }

            if (!ReferenceEquals(_connecting, session) || _closeRequested)
            {
                return;
            }

            // RTN16: a recovered connection is one the server took over without an error; the key is used once.
            var recovered = _recoverAttempted && message.Error is null;
            _recoverKey = null;
            resumed = recovered || (_resumeAttempted && ConnectionId is not null && string.Equals(message.ConnectionId, ConnectionId, StringComparison.Ordinal));
            if ((ConnectionId is not null || _recoverAttempted) && !resumed)
            {
                // RTN15c7: the server could not resume; a new connection starts its msgSerial at 0.
                var why = message.Error?.Describe() ?? "the previous connection could not be resumed";
                continuity = new RealtimeConnectionException("Ably connection continuity was lost; messages sent to this client while it was away may be missing: " + why)
                {
                    ErrorCode = (message.Error?.Code ?? AblyErrorCodes.ContinuityLost).ToString(CultureInfo.InvariantCulture),
                    ProviderName = AblyChannelClient.Name,
                };
                _msgSerial = 0;
            }

            ApplyDetails(message, details);
            _session = session;
            _connecting = null;
            _untried = null;
            session.SetIdleTimeout(ConnectionTiming.IdleTimeout(details?.MaxIdleInterval, _options.RealtimeRequestTimeout));

            // RTN19a: what was sent but not acknowledged goes again, first, keeping its serial when the connection resumed.
            foreach (var item in _inFlight)
            {
                if (!resumed)
                {
                    item.Message.MsgSerial = _msgSerial++;
                }

                session.TrySend(item.Message);
            }

            foreach (var item in _queued)
            {
                item.Message.MsgSerial = _msgSerial++;
                _inFlight.Add(item);
                session.TrySend(item.Message);
            }

            _queued.Clear();
            _state.TryTransition(ConnectionState.Connected, continuity);
            ResolveWaiters(ConnectionState.Connected, null);
            _connectedSignal?.TrySetResult();
        }

        foreach (var channel in _allChannels())
        {
            channel.OnConnected(session, resumed);
        }
    }

    private void ApplyDetails(ProtocolMessage message, ConnectionDetails? details)
    {
        ConnectionId = message.ConnectionId ?? ConnectionId;
        _connectionKey = details?.ConnectionKey ?? message.ConnectionKey ?? _connectionKey;
        _details = details ?? _details;
        if (details?.MaxMessageSize is { } max and > 0)
        {
            MaxMessageSize = max;
        }
    }

    private void OnAck(AblyTransportSession session, ProtocolMessage message)
    {
        var first = message.MsgSerial ?? 0;
        var end = first + Math.Max(1, message.Count ?? 1);
        Outbound[] done;
        lock (_gate)
        {
            if (!ReferenceEquals(_session, session))
            {
                return;
            }

            // In-flight messages are in serial order: the acknowledged ones (and any skipped below them) are a prefix.
            var count = 0;
            while (count < _inFlight.Count && (_inFlight[count].Message.MsgSerial ?? -1) < end)
            {
                count++;
            }

            if (count == 0)
            {
                return;
            }

            done = new Outbound[count];
            _inFlight.CopyTo(0, done, 0, count);
            _inFlight.RemoveRange(0, count);
        }

        foreach (var item in done)
        {
            var serial = item.Message.MsgSerial ?? -1;
            if (serial >= first && message.Action == ProtocolAction.Ack)
            {
                // res holds one entry per acknowledged ProtocolMessage, in serial order (TR4s).
                var index = serial - first;
                item.Done.TrySetResult(message.Res is { } res && index < res.Count ? res[(int)index] : null);
            }
            else
            {
                // A NACK, or a serial the server skipped (an implicit NACK).
                var error = message.Action == ProtocolAction.Nack && serial >= first
                    ? message.Error ?? ErrorInfo.Create(AblyErrorCodes.InternalError, "The publish was refused.")
                    : ErrorInfo.Create(AblyErrorCodes.InternalError, "The server skipped this message's serial (implicit NACK).");
                item.Done.TrySetException(error.ToException("Ably refused the publish"));
            }
        }
    }

    private async Task ReauthorizeAsync(AblyTransportSession session)
    {
        // RTN22: the server asks for a new token; send it in an AUTH, the CONNECTED that follows is an update.
        try
        {
            if (!_credentials.UsesTokens)
            {
                return;
            }

            var token = await _credentials.RenewAccessTokenAsync(_stopping.Token).ConfigureAwait(false);
            session.TrySend(new ProtocolMessage { Action = ProtocolAction.Auth, Auth = new AuthDetails { AccessToken = token } });
        }
        catch (OperationCanceledException)
        {
        }
        catch (RealtimeException ex)
        {
            // Without a new token the server will end the connection at expiry; the token error then goes through renewal.
            session.End(new SessionOutcome(SessionEndKind.Lost, ex));
        }
    }

    private void Disconnected(RealtimeException reason, DateTimeOffset retryAt)
    {
        lock (_gate)
        {
            _state.TryTransition(ConnectionState.Disconnected, reason, retryAt);
            ResolveWaiters(ConnectionState.Disconnected, reason);
            if (!_options.QueueMessages)
            {
                FailOutbound(reason);
            }
        }
    }

    private void EnterSuspended(RealtimeException reason, DateTimeOffset retryAt)
    {
        var error = Suspended(reason);
        lock (_gate)
        {
            // Continuity is gone: the next connection is a clean one.
            _connectionKey = null;
            _state.TryTransition(ConnectionState.Suspended, error, retryAt);
            ResolveWaiters(ConnectionState.Suspended, error);
            FailOutbound(error);
        }

        foreach (var channel in _allChannels())
        {
            channel.OnConnectionSuspended(error);
        }
    }

    private static RealtimeConnectionException Suspended(RealtimeException? reason) =>
        new("The Ably connection is suspended (no connection for longer than connectionStateTtl)" + (reason is null ? "." : ": " + reason.Message), reason)
        {
            ErrorCode = AblyErrorCodes.ConnectionSuspended.ToString(CultureInfo.InvariantCulture),
            ProviderName = AblyChannelClient.Name,
            IsRetryable = true,
        };

    private void Finish(ConnectionState final, RealtimeException? reason)
    {
        RealtimeException error;
        lock (_gate)
        {
            _endReason = reason;
            error = EndedError();
            _state.TryTransition(final, reason);
            ResolveWaiters(final, error);
            FailOutbound(error);
            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(error);
            }
        }

        foreach (var channel in _allChannels())
        {
            channel.OnConnectionEnded(final == ConnectionState.Failed ? error : null);
        }
    }

    private void FailOutbound(RealtimeException error)
    {
        foreach (var item in _inFlight)
        {
            item.Done.TrySetException(error);
        }

        foreach (var item in _queued)
        {
            item.Done.TrySetException(error);
        }

        _inFlight.Clear();
        _queued.Clear();
    }

    // Under _gate, on reaching connected, disconnected, suspended, closing, closed or failed: ConnectAsync callers learn
    // how their attempt ended.
    private void ResolveWaiters(ConnectionState state, RealtimeException? reason)
    {
        foreach (var done in _waiters)
        {
            if (state == ConnectionState.Connected)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(reason ?? EndedError());
            }
        }

        _waiters.Clear();
    }

    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        AblyTransportSession? session;
        Task? loop;
        lock (_gate)
        {
            if (_closeRequested)
            {
                loop = _loop;
                session = null;
            }
            else
            {
                _closeRequested = true;
                loop = _loop;
                session = _session;
                if (_state.State is ConnectionState.Closed or ConnectionState.Failed)
                {
                    return;
                }

                _state.TryTransition(loop is null ? ConnectionState.Closed : ConnectionState.Closing);
                ResolveWaiters(ConnectionState.Closing, EndedError());
                _wake.TrySetResult();
            }
        }

        if (session is not null)
        {
            // RTN12: CLOSE, then CLOSED (or the request timeout); the connection is closed locally either way.
            session.TrySend(new ProtocolMessage { Action = ProtocolAction.Close });
            try
            {
                await session.Completion.WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _connecting?.EndClosed();
            _session?.EndClosed();
        }

        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (loop is null)
        {
            Finish(ConnectionState.Closed, null);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private sealed class Outbound(ProtocolMessage message)
    {
        public ProtocolMessage Message { get; } = message;

        public TaskCompletionSource<PublishResult?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
