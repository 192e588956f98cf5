using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// A channel and its state machine (RTL2): attaches on the first subscribe, re-attaches with its last channelSerial after
/// every new transport (RTL3d, RTL4c1) and after a server DETACHED (RTL13), goes suspended when an attach times out or the
/// connection is suspended and retries after channelRetryTimeout; publishes with ACK/NACK; reads history over REST.
/// </summary>
internal sealed class AblyChannel : IChannel
{
    private readonly AblyRealtimeConnection _connection;
    private readonly AblyChannelClientOptions _options;
    private readonly IAblyCredentialSource _credentials;
    private readonly HttpClient _http;
    private readonly Action _throwIfClientDisposed;
    private readonly Action<AblyChannelStateChange> _onStateChange;
    private readonly Lock _gate = new();
    private readonly AblyChannelPresence _presence;
    private readonly SubscriberList<ChannelMessage, ChannelSubscriptionOptions> _subscribers = new();
    private AblyChannelState _state = AblyChannelState.Initialized;
    private TaskCompletionSource? _attachWaiter;
    private TaskCompletionSource? _detachWaiter;
    private AblyTransportSession? _attachSentOn;
    private ITimer? _attachTimer;
    private ITimer? _retryTimer;
    private string? _channelSerial;
    private string? _attachSerial;
    private bool _everAttached;
    private bool _newConnection;
    private readonly Dictionary<string, string>? _attachParams;
    private int _retryAttempt;
    private volatile bool _released;
    private ProtocolFlags? _modes;
    private Action<ProtocolMessage>? _objects;

    public AblyChannel(
        string name,
        AblyRealtimeConnection connection,
        AblyChannelClientOptions options,
        IAblyCredentialSource credentials,
        HttpClient http,
        Action throwIfDisposed,
        Action<AblyChannelStateChange> onStateChange,
        string? recoveredSerial = null,
        CipherParams? cipher = null,
        AblyChannelOptions? channelOptions = null)
    {
        Cipher = cipher;
        Options = channelOptions;
        _attachParams = channelOptions?.Rewind is { } rewind ? new Dictionary<string, string>(StringComparer.Ordinal) { ["rewind"] = rewind } : null;
        Name = name;
        _connection = connection;
        _options = options;
        _credentials = credentials;
        _http = http;
        _throwIfClientDisposed = throwIfDisposed;
        _onStateChange = onStateChange;
        _presence = new AblyChannelPresence(this, connection, options, ThrowIfUnusable);
        _channelSerial = recoveredSerial;
    }

    /// <summary>Attaches with the LiveObjects modes only and hands object frames (and ATTACHED) to <paramref name="objects"/>.</summary>
    internal void UseForObjects(Action<ProtocolMessage> objects)
    {
        lock (_gate)
        {
            if (_objects is not null && _objects != objects)
            {
                throw new InvalidOperationException($"Channel \"{Name}\" already serves another LiveObjects store on this client.");
            }

            _modes = ProtocolFlags.ObjectSubscribe | ProtocolFlags.ObjectPublish;
            _objects = objects;
        }
    }

    /// <summary>Publishes object operations (one OBJECT frame: all applied or none); completes with the ACK's serials.</summary>
    internal Task<PublishResult?> PublishObjectsAsync(IReadOnlyList<Protocol.LiveObjects.ObjectMessage> operations, CancellationToken cancellationToken) =>
        _connection.SendForResultAsync(new ProtocolMessage { Action = ProtocolAction.Object, Channel = Name, State = operations }, cancellationToken);

    /// <summary>The serial the next attach resumes from (for a recovery key), or null.</summary>
    public string? ChannelSerial
    {
        get
        {
            lock (_gate)
            {
                return _state is AblyChannelState.Attached or AblyChannelState.Attaching ? _channelSerial : null;
            }
        }
    }

    public string Name { get; }

    /// <summary>The options the channel was created with, or null.</summary>
    public AblyChannelOptions? Options { get; }

    /// <summary>The channel's end-to-end encryption, or null.</summary>
    public CipherParams? Cipher { get; }

    public IChannelPresence Presence => _presence;

    public AblyChannelState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public async ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();
        if (messages.Count == 0)
        {
            return;
        }

        long size = 0;
        var wire = new WireMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i] ?? throw new RealtimeValidationException($"Invalid publish: message {i} is null.") { ProviderName = AblyChannelClient.Name };
            if (message.ClientId is { } clientId && _options.ClientId is { } own && !string.Equals(clientId, own, StringComparison.Ordinal))
            {
                throw new RealtimeValidationException($"Invalid publish: message {i} has a client id that is not this client's.") { ErrorCode = "40012", ProviderName = AblyChannelClient.Name };
            }

            size += message.GetSize();
            wire[i] = MessageMapper.ToWire(message, _connection.Format, Cipher);
        }

        // Before the first CONNECTED the account's limit is unknown (it may be above the default): a message over the default
        // then goes to the service, whose NACK (40009) fails the publish with the same exception.
        if (size > _connection.MaxMessageSize && _connection.KnowsMaxMessageSize)
        {
            throw new MessageTooLargeException(size, _connection.MaxMessageSize, messages.Count == 1 ? "message" : "batch of messages") { ProviderName = AblyChannelClient.Name };
        }

        // RTL6c: publishing does not attach; the message waits for the connection when it is not connected yet.
        await _connection.SendAckedAsync(new ProtocolMessage { Action = ProtocolAction.Message, Channel = Name, Messages = wire }, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        cancellationToken.ThrowIfCancellationRequested();
        options ??= ChannelSubscriptionOptions.Default;

        // Registered before attaching: what the server sends right after ATTACHED (a replay after a recover or rewind)
        // must not slip past a subscriber that is still being set up.
        var subscription = _subscribers.Add(options.Buffer, options);
        try
        {
            await AttachAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return subscription;
    }

    /// <summary>Attaches if not attached; completes when attached. Waits for the connection while it is connecting or disconnected.</summary>
    internal Task AttachAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            if (_state == AblyChannelState.Attached)
            {
                return Task.CompletedTask;
            }

            // RTL4b: attaching needs a connection that is (or will be) up; a suspended, closed or failed one refuses.
            if (_connection.State is ConnectionState.Suspended or ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed)
            {
                return Task.FromException(_connection.StateError());
            }

            _attachWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _attachWaiter.Task;
            if (_state != AblyChannelState.Attaching)
            {
                SendAttach();
                SetState(AblyChannelState.Attaching, null);
            }
        }

        _connection.EnsureStarted();
        return task.WaitAsync(cancellationToken);
    }

    /// <summary>Throws when the client is disposed or this channel was released.</summary>
    private void ThrowIfUnusable()
    {
        _throwIfClientDisposed();
        if (_released)
        {
            throw new ObjectDisposedException(nameof(IChannel), $"Channel \"{Name}\" was released; get it again from the client to use it.");
        }
    }

    /// <summary>
    /// The first step of a release (RTS4a): detach. A detach that fails (a failed channel, no answer in time) does not keep
    /// the channel, since the server drops the attachment with the connection at the latest; cancellation does (the
    /// exception propagates and the channel is left as the detach left it).
    /// </summary>
    internal async Task DetachForReleaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await DetachAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RealtimeException)
        {
            // Released anyway; see above.
        }
    }

    /// <summary>The last step of a release: subscriptions end and further use is refused.</summary>
    internal void MarkReleased()
    {
        lock (_gate)
        {
            _released = true;
            CancelTimers();
            _attachWaiter?.TrySetException(new ObjectDisposedException(nameof(IChannel), $"Channel \"{Name}\" was released."));
            _attachWaiter = null;
        }

        _subscribers.CompleteAll(null, remove: true);
        _presence.Fail(null);
    }

    /// <summary>Detaches (RTL5): DETACH, then DETACHED or the request timeout. Subscriptions stay but receive nothing until the next attach.</summary>
    internal async Task DetachAsync(CancellationToken cancellationToken)
    {
        Task task;
        lock (_gate)
        {
            switch (_state)
            {
                case AblyChannelState.Initialized or AblyChannelState.Detached:
                    return;
                case AblyChannelState.Failed:
                    throw ErrorInfo.Create(AblyErrorCodes.InvalidChannelState, $"Channel \"{Name}\" has failed; it cannot be detached.").ToException();
                case AblyChannelState.Suspended:
                    CancelTimers();
                    SetState(AblyChannelState.Detached, null);
                    return;
            }

            CancelTimers();
            _attachWaiter?.TrySetException(ErrorInfo.Create(AblyErrorCodes.InvalidChannelState, $"Channel \"{Name}\" was detached while attaching.").ToException());
            _attachWaiter = null;
            _detachWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            task = _detachWaiter.Task;
            SetState(AblyChannelState.Detaching, null);
            if (_connection.TrySendNow(new ProtocolMessage { Action = ProtocolAction.Detach, Channel = Name }) is null)
            {
                // Not connected: nothing is attached on the server side of a new connection.
                SetState(AblyChannelState.Detached, null);
                _detachWaiter.TrySetResult();
                _detachWaiter = null;
                return;
            }
        }

        try
        {
            await task.WaitAsync(_connection.RequestTimeout, _connection.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException($"Detaching channel \"{Name}\" timed out.", ex)
            {
                ErrorCode = AblyErrorCodes.ChannelOperationTimedOut.ToString(CultureInfo.InvariantCulture),
                ProviderName = AblyChannelClient.Name,
                IsRetryable = true,
            };
        }
    }

    // Under _gate. Sends ATTACH with the last channelSerial when connected and starts the attach timer; otherwise the
    // ATTACH goes out when the connection is (re-)established. Called before the state change is announced, so that the
    // timer exists when a watcher sees Attaching.
    private void SendAttach()
    {
        // RTL4k: channel params go with every ATTACH; the server applies rewind only when there is no serial to resume from.
        var session = _connection.TrySendNow(new ProtocolMessage { Action = ProtocolAction.Attach, Channel = Name, ChannelSerial = _channelSerial, Params = _attachParams, Flags = _modes });
        _attachSentOn = session;
        if (session is null)
        {
            return;
        }

        _attachTimer?.Dispose();
        _attachTimer = _connection.Time.CreateTimer(static s => ((AblyChannel)s!).OnAttachTimeout(), this, _connection.RequestTimeout, Timeout.InfiniteTimeSpan);
    }

    private void OnAttachTimeout()
    {
        lock (_gate)
        {
            if (_state != AblyChannelState.Attaching)
            {
                return;
            }

            // RTL4f: no ATTACHED in time → suspended, retried after channelRetryTimeout.
            var error = ErrorInfo.Create(AblyErrorCodes.ChannelOperationTimedOut, $"Attaching to channel \"{Name}\" timed out.").ToException();
            EnterSuspended(error);
        }
    }

    // Under _gate.
    private void EnterSuspended(RealtimeException error)
    {
        CancelTimers();
        _channelSerial = null;

        // The retry timer starts before the state is announced, so that whoever sees the change can rely on it.
        _retryAttempt++;
        var delay = ConnectionTiming.RetryDelay(_options.ChannelRetryTimeout, _retryAttempt);
        _retryTimer = _connection.Time.CreateTimer(static s => ((AblyChannel)s!).OnRetryTimer(), this, delay, Timeout.InfiniteTimeSpan);
        SetState(AblyChannelState.Suspended, error);
        _attachWaiter?.TrySetException(error);
        _attachWaiter = null;
        _presence.OnSuspended(error);
    }

    private void OnRetryTimer()
    {
        lock (_gate)
        {
            // RTL13b: retry while the connection is connected; otherwise the next CONNECTED re-attaches.
            if (_state == AblyChannelState.Suspended && _connection.State == ConnectionState.Connected)
            {
                SendAttach();
                SetState(AblyChannelState.Attaching, null);
            }
        }
    }

    private void CancelTimers()
    {
        _attachTimer?.Dispose();
        _attachTimer = null;
        _retryTimer?.Dispose();
        _retryTimer = null;
    }

    // Under _gate.
    private void SetState(AblyChannelState next, RealtimeException? reason, bool resumed = false, bool continuityLost = false)
    {
        var previous = _state;
        if (previous == next && !continuityLost && reason is null)
        {
            return;
        }

        _state = next;
        _onStateChange(new AblyChannelStateChange(Name, previous, next, reason, resumed, continuityLost));
    }

    /// <summary>A new transport is connected (resumed or not): re-attach what was attaching, attached or suspended (RTL3d).</summary>
    public void OnConnected(AblyTransportSession session, bool resumed)
    {
        lock (_gate)
        {
            // Presence membership belongs to a connection: on a new connection this client's member must be re-entered
            // even if the channel's messages resume from its serial.
            _newConnection |= !resumed;
            if (_state is not (AblyChannelState.Attaching or AblyChannelState.Attached or AblyChannelState.Suspended) ||
                ReferenceEquals(_attachSentOn, session))
            {
                return;
            }

            _retryTimer?.Dispose();
            _retryTimer = null;
            SendAttach();
            if (_state == AblyChannelState.Suspended)
            {
                SetState(AblyChannelState.Attaching, null);
            }
        }
    }

    /// <summary>The transport is gone: stop the attach timer; the next transport re-attaches.</summary>
    public void OnTransportLost()
    {
        lock (_gate)
        {
            _attachTimer?.Dispose();
            _attachTimer = null;
            _attachSentOn = null;
        }
    }

    /// <summary>The connection is suspended: attached and attaching channels are suspended (RTL3c).</summary>
    public void OnConnectionSuspended(RealtimeException error)
    {
        lock (_gate)
        {
            if (_state is AblyChannelState.Attaching or AblyChannelState.Attached)
            {
                // RTL15b1: the serial is cleared on SUSPENDED; the next attach is a fresh one.
                CancelTimers();
                _channelSerial = null;
                SetState(AblyChannelState.Suspended, error);
                _attachWaiter?.TrySetException(error);
                _attachWaiter = null;
                _presence.OnSuspended(error);
            }
        }
    }

    /// <summary>The connection closed (<paramref name="error"/> null) or failed: channels detach or fail and subscriptions end.</summary>
    public void OnConnectionEnded(RealtimeException? error)
    {
        lock (_gate)
        {
            CancelTimers();
            var ended = error ?? new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = AblyChannelClient.Name };
            _attachWaiter?.TrySetException(ended);
            _attachWaiter = null;
            _detachWaiter?.TrySetResult();
            _detachWaiter = null;
            if (_state is not (AblyChannelState.Initialized or AblyChannelState.Detached or AblyChannelState.Failed))
            {
                SetState(error is null ? AblyChannelState.Detached : AblyChannelState.Failed, error);
            }
        }

        _subscribers.CompleteAll(error, remove: false);
        _presence.Fail(error);
    }

    /// <summary>Handles a frame for this channel; called on the receive loop, in order.</summary>
    public void Handle(ProtocolMessage message)
    {
        switch (message.Action)
        {
            case ProtocolAction.Attached:
                OnAttached(message);
                break;
            case ProtocolAction.Detached:
                OnDetached(message);
                break;
            case ProtocolAction.Error:
                OnError(message);
                break;
            case ProtocolAction.Sync:
                UpdateSerial(message);
                _presence.Apply(message, fromSync: true);
                if (SyncCursor.Parse(message.ChannelSerial).IsLast)
                {
                    _presence.OnSyncComplete();
                }

                break;
            case ProtocolAction.Presence:
                UpdateSerial(message);
                _presence.Apply(message, fromSync: false);
                break;
            case ProtocolAction.Object or ProtocolAction.ObjectSync:
                _objects?.Invoke(message);
                break;
            case ProtocolAction.Message when message.Messages is { } messages:
                (RealtimeSubscription<ChannelMessage> Subscription, ChannelSubscriptionOptions Options)[] subscribers;
                lock (_gate)
                {
                    if (message.ChannelSerial is { } serial)
                    {
                        _channelSerial = serial;
                    }

                    // Messages reach subscribers only while attached (RTL17).
                    if (_state != AblyChannelState.Attached)
                    {
                        return;
                    }

                    subscribers = _subscribers.Snapshot;
                }

                for (var i = 0; i < messages.Count; i++)
                {
                    var decoded = MessageMapper.FromWire(messages[i], message, i, Cipher);
                    foreach (var (subscription, options) in subscribers)
                    {
                        if (options.Matches(decoded))
                        {
                            subscription.TryWrite(decoded);
                        }
                    }
                }

                break;
        }
    }

    private void UpdateSerial(ProtocolMessage message)
    {
        // RTL15b: the serial to resume from comes from MESSAGE, PRESENCE and ATTACHED; a SYNC's channelSerial is its cursor.
        if (message.Action != ProtocolAction.Sync && message.ChannelSerial is { } serial)
        {
            lock (_gate)
            {
                _channelSerial = serial;
            }
        }
    }

    private void OnAttached(ProtocolMessage message)
    {
        var resumed = message.HasFlag(ProtocolFlags.Resumed);
        bool continuityLost;
        bool reenter;
        lock (_gate)
        {
            if (_state is AblyChannelState.Detaching or AblyChannelState.Detached or AblyChannelState.Failed or AblyChannelState.Initialized)
            {
                return;
            }

            CancelTimers();
            _retryAttempt = 0;
            if (message.ChannelSerial is { } serial)
            {
                _channelSerial = serial;
            }

            // RTL15a: a fresh (not resumed) attach starts history's untilAttach point here.
            if (!resumed || _attachSerial is null)
            {
                _attachSerial = message.ChannelSerial;
            }

            continuityLost = _everAttached && !resumed;
            reenter = !resumed || _newConnection;
            _newConnection = false;
            _everAttached = true;
            var reason = message.Error?.ToException($"Channel \"{Name}\"");
            if (continuityLost)
            {
                reason ??= ErrorInfo.Create(AblyErrorCodes.ContinuityLost, $"Channel \"{Name}\" was re-attached without continuity; messages may have been missed.").ToException();
            }

            SetState(AblyChannelState.Attached, reason, resumed, continuityLost);
            _attachWaiter?.TrySetResult();
            _attachWaiter = null;
        }

        _presence.OnAttached(message.HasFlag(ProtocolFlags.HasPresence), resumed && !reenter, reenter);
        _objects?.Invoke(message);
    }

    private void OnDetached(ProtocolMessage message)
    {
        lock (_gate)
        {
            var error = message.Error?.ToException($"Channel \"{Name}\"");
            switch (_state)
            {
                case AblyChannelState.Detaching:
                    CancelTimers();
                    _channelSerial = null;
                    SetState(AblyChannelState.Detached, error);
                    _detachWaiter?.TrySetResult();
                    _detachWaiter = null;
                    break;
                case AblyChannelState.Attached or AblyChannelState.Suspended:
                    // RTL13a: an unrequested DETACHED → re-attach at once.
                    SendAttach();
                    SetState(AblyChannelState.Attaching, error);
                    break;
                case AblyChannelState.Attaching:
                    // RTL13b: the attach itself was refused → suspended, retried later.
                    EnterSuspended(error ?? ErrorInfo.Create(AblyErrorCodes.InvalidChannelState, $"Channel \"{Name}\" was detached by the server.").ToException());
                    break;
            }
        }
    }

    private void OnError(ProtocolMessage message)
    {
        // RTL14: a channel ERROR fails the channel; subscriptions end with the error.
        var error = (message.Error ?? ErrorInfo.Create(AblyErrorCodes.InternalChannelError, "The channel failed.")).ToException($"Channel \"{Name}\"");
        lock (_gate)
        {
            CancelTimers();
            _channelSerial = null;
            SetState(AblyChannelState.Failed, error);
            _attachWaiter?.TrySetException(error);
            _attachWaiter = null;
            _detachWaiter?.TrySetException(error);
            _detachWaiter = null;
        }

        _subscribers.CompleteAll(error, remove: true);
        _presence.Fail(error);
    }

    public ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        var cipher = Cipher;
        return ReadHistoryAsync<ChannelMessage>(query, "messages", (body, format) =>
        {
            var wire = AblyCodec.DecodeMessages(body, format);
            return [.. wire.Select(m => MessageMapper.FromWire(m, cipher: cipher))];
        }, cancellationToken);
    }

    internal async ValueTask<HistoryPage<T>> ReadHistoryAsync<T>(HistoryQuery? query, string resource, Func<byte[], WireFormat, IReadOnlyList<T>> decode, CancellationToken cancellationToken)
    {
        query ??= HistoryQuery.Default;
        query.Validate();
        string? fromSerial = null;
        if (query.UntilAttach)
        {
            lock (_gate)
            {
                fromSerial = _state == AblyChannelState.Attached ? _attachSerial : null;
            }

            if (fromSerial is null)
            {
                throw new RealtimeValidationException($"Invalid history query: untilAttach needs channel \"{Name}\" to be attached (subscribe first).") { ErrorCode = "40000", ProviderName = AblyChannelClient.Name };
            }
        }

        var parts = new List<string>
        {
            "direction=" + (query.Direction == HistoryDirection.Forwards ? "forwards" : "backwards"),
            "limit=" + query.Limit.ToString(CultureInfo.InvariantCulture),
        };
        if (query.Start is { } start)
        {
            parts.Add("start=" + start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        if (query.End is { } end)
        {
            parts.Add("end=" + end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        if (fromSerial is not null)
        {
            parts.Add("fromSerial=" + Uri.EscapeDataString(fromSerial));
        }

        var endpoint = _options.Endpoint!;
        var scheme = endpoint.Scheme is "https" or "wss" ? "https" : "http";
        var baseUri = new UriBuilder(endpoint) { Scheme = scheme, Query = string.Empty }.Uri;
        var uri = new Uri(baseUri, "channels/" + Uri.EscapeDataString(Name) + "/" + resource + "?" + string.Join('&', parts));
        return await ReadPageAsync(uri, decode, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<HistoryPage<T>> ReadPageAsync<T>(Uri uri, Func<byte[], WireFormat, IReadOnlyList<T>> decode, CancellationToken cancellationToken)
    {
        var format = _connection.Format;
        var (response, body) = await SendRestAsync(uri, format, renew: false, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && _credentials.CanRenew && IsTokenError(response, body))
        {
            // RSA4b: a token error on a REST call renews the token once and retries.
            response.Dispose();
            (response, body) = await SendRestAsync(uri, format, renew: true, cancellationToken).ConfigureAwait(false);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw DecodeRestError(response, body).ToException("Ably history");
            }

            var items = decode(body, format);
            Uri? next = null;
            if (response.Headers.TryGetValues("Link", out var links))
            {
                next = FindNext(uri, string.Join(", ", links));
            }

            return new HistoryPage<T>(items, next is null ? null : ct => ReadPageAsync(next, decode, ct));
        }
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> SendRestAsync(Uri uri, WireFormat format, bool renew, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.HttpRequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = await _credentials.GetHttpAuthorizationAsync(renew, linked.Token).ConfigureAwait(false);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(format == WireFormat.MsgPack ? "application/x-msgpack" : "application/json"));
            request.Headers.TryAddWithoutValidation("X-Ably-Version", AblyRealtimeConnection.ProtocolVersion);
            request.Headers.TryAddWithoutValidation("Ably-Agent", AblyRealtimeConnection.Agent);
            var response = await _http.SendAsync(request, linked.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
            return (response, body);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RealtimeConnectionException("The Ably history request timed out.", ex) { ProviderName = AblyChannelClient.Name, IsRetryable = true };
        }
        catch (HttpRequestException ex)
        {
            throw new RealtimeConnectionException("The Ably history request failed: " + ex.Message, ex) { ProviderName = AblyChannelClient.Name, IsRetryable = true };
        }
    }

    private static bool IsTokenError(HttpResponseMessage response, byte[] body) => AblyErrorCodes.IsTokenError(DecodeRestError(response, body).Code);

    private static ErrorInfo DecodeRestError(HttpResponseMessage response, byte[] body) =>
        AblyCodec.DecodeHttpError(body, response.Content.Headers.ContentType?.MediaType, (int)response.StatusCode);

    private static Uri? FindNext(Uri current, string header)
    {
        foreach (var part in header.Split(','))
        {
            var text = part.Trim();
            if (!text.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                continue;
            }

            var open = text.IndexOf('<', StringComparison.Ordinal);
            var close = text.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open)
            {
                return new Uri(current, text[(open + 1)..close]);
            }
        }

        return null;
    }
}
