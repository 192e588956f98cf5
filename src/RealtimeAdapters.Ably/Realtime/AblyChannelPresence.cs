using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// Presence of one channel: enter/update/leave as ACKed PRESENCE messages; the member set (<see cref="PresenceMap"/>) from
/// SYNC and PRESENCE events, each applied only when newer than what is held (RTP2), with members missing from a new sync
/// removed by synthesised LEAVEs (RTP19, RTP19a); this client's own member re-entered after an attach that was not a
/// resume (RTP17i); presence history over REST.
/// </summary>
internal sealed class AblyChannelPresence : IChannelPresence
{
    private readonly AblyChannel _channel;
    private readonly AblyRealtimeConnection _connection;
    private readonly AblyChannelClientOptions _options;
    private readonly Action _throwIfDisposed;
    private readonly Lock _gate = new();
    private readonly PresenceMap _members = new();
    private readonly SubscriberList<PresenceMessage, PresenceSubscriptionOptions> _subscribers = new();
    private TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RealtimeException? _suspended;
    private MessageData? _ownData;

    public AblyChannelPresence(AblyChannel channel, AblyRealtimeConnection connection, AblyChannelClientOptions options, Action throwIfDisposed)
    {
        _channel = channel;
        _connection = connection;
        _options = options;
        _throwIfDisposed = throwIfDisposed;
    }

    public ValueTask EnterAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        SendAsync(PresenceAction.Enter, data, cancellationToken);

    public ValueTask UpdateAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        SendAsync(PresenceAction.Update, data, cancellationToken);

    public ValueTask LeaveAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        SendAsync(PresenceAction.Leave, data, cancellationToken);

    private async ValueTask SendAsync(PresenceAction action, MessageData data, CancellationToken cancellationToken)
    {
        _throwIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        var clientId = _options.ClientId;
        if (string.IsNullOrEmpty(clientId))
        {
            throw ErrorInfo.Create(AblyErrorCodes.PresenceWithoutClientId, "Presence needs a client id; set AblyChannelClientOptions.ClientId.").ToException();
        }

        lock (_gate)
        {
            if (action == PresenceAction.Leave && _ownData is null)
            {
                return;
            }
        }

        await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        await SendPresenceAsync(action, clientId, data, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _ownData = action == PresenceAction.Leave ? null : (MessageData?)data;
        }
    }

    private Task SendPresenceAsync(PresenceAction action, string clientId, MessageData data, CancellationToken cancellationToken)
    {
        var wire = MessageMapper.ToWire(new PresenceMessage { Action = action, ClientId = clientId, Data = data }, _connection.Format, _channel.Cipher);
        return _connection.SendAckedAsync(new ProtocolMessage { Action = ProtocolAction.Presence, Channel = _channel.Name, Presence = [wire] }, cancellationToken);
    }

    public async ValueTask<IReadOnlyList<PresenceMessage>> GetAsync(CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        ThrowIfSuspended();
        await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        Task synced;
        lock (_gate)
        {
            ThrowIfSuspended();
            synced = _synced.Task;
        }

        try
        {
            await synced.WaitAsync(_connection.RequestTimeout, _connection.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException($"The presence sync of channel \"{_channel.Name}\" did not finish in time.", ex) { ProviderName = AblyChannelClient.Name, IsRetryable = true };
        }

        // Presence changes other connections had acknowledged before this call may still be on the wire: a heartbeat
        // round trip makes sure they have arrived.
        await _connection.PingAsync(cancellationToken).ConfigureAwait(false);

        lock (_gate)
        {
            return _members.Members;
        }
    }

    // RTP11d: the member set of a suspended channel cannot be trusted.
    private void ThrowIfSuspended()
    {
        lock (_gate)
        {
            if (_suspended is { } error)
            {
                throw ErrorInfo.Create(AblyErrorCodes.PresenceOutOfSync, $"The presence of channel \"{_channel.Name}\" is out of sync (the channel is suspended): {error.Message}").ToException();
            }
        }
    }

    public async ValueTask<IRealtimeSubscription<PresenceMessage>> SubscribeAsync(PresenceSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        options ??= PresenceSubscriptionOptions.Default;

        // Registered before attaching, so that events right after ATTACHED reach it.
        var subscription = _subscribers.Add(options.Buffer, options);
        try
        {
            await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return subscription;
    }

    public ValueTask<HistoryPage<PresenceMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        if (query?.UntilAttach == true)
        {
            throw new RealtimeValidationException("Invalid presence history query: untilAttach applies to message history only.") { ErrorCode = "40000", ProviderName = AblyChannelClient.Name };
        }

        var cipher = _channel.Cipher;
        return _channel.ReadHistoryAsync<PresenceMessage>(query, "presence/history", (body, format) =>
        {
            var wire = AblyCodec.DecodePresenceMessages(body, format);
            return [.. wire.Select(m => MessageMapper.FromWire(m, cipher: cipher))];
        }, cancellationToken);
    }

    /// <summary>
    /// On ATTACHED. A SYNC follows when the server has members; members not seen in it are then removed. Without members
    /// on a fresh attach the set is emptied at once (RTP19a). After a fresh attach this client's member is re-entered (RTP17i).
    /// </summary>
    public void OnAttached(bool hasPresence, bool resumed, bool reenter)
    {
        List<PresenceMessage>? leaves = null;
        MessageData? own;
        lock (_gate)
        {
            _suspended = null;
            if (hasPresence)
            {
                StartSync();
            }
            else
            {
                if (resumed)
                {
                    _members.AbandonSync();
                }
                else
                {
                    leaves = _members.Clear(_connection.Time.GetUtcNow());
                }

                if (_synced.Task.IsCompleted)
                {
                    _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                _synced.TrySetResult();
            }

            own = reenter ? _ownData : null;
        }

        Publish(leaves);
        if (own is { } data && _options.ClientId is { } clientId)
        {
            _ = ReenterAsync(clientId, data);
        }
    }

    // Under _gate: a sync begins (announced by ATTACHED, or started by the server at any time, RTP18); get() waits for it.
    private void StartSync()
    {
        // Completed means the last sync finished or failed (suspended); either way this one is still to come.
        if (_synced.Task.IsCompleted)
        {
            _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _members.StartSync();
    }

    private async Task ReenterAsync(string clientId, MessageData data)
    {
        try
        {
            await SendPresenceAsync(PresenceAction.Enter, clientId, data, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RealtimeException)
        {
            // RTP17e: a failed automatic re-enter is not fatal; the member is simply not present until entered again.
            lock (_gate)
            {
                _ownData = null;
            }
        }
    }

    /// <summary>The last SYNC page arrived: ABSENT entries go, and members it did not mention have left (RTP2h2b, RTP19).</summary>
    public void OnSyncComplete()
    {
        List<PresenceMessage> leaves;
        lock (_gate)
        {
            leaves = _members.EndSync(_connection.Time.GetUtcNow());
            _synced.TrySetResult();
        }

        Publish(leaves);
    }

    /// <summary>
    /// Applies a SYNC or PRESENCE frame to the member set, each message only when it is newer than the member's entry
    /// (RTP2a, RTP2c). Every message that changed the set goes to subscribers with its own action (RTP2d1): the PRESENT
    /// entries of a sync included, so that a subscriber learns of the members already there; an entry the client already
    /// holds (a re-sync after a resume) is not newer and is not announced again.
    /// </summary>
    public void Apply(ProtocolMessage message, bool fromSync)
    {
        var wire = MessageMapper.WithInheritedPresenceFields(message);
        var events = new List<PresenceMessage>(wire.Count);
        lock (_gate)
        {
            if (fromSync)
            {
                StartSync();
            }

            foreach (var m in wire)
            {
                var decoded = MessageMapper.FromWire(m, cipher: _channel.Cipher);
                if (_members.Apply(decoded))
                {
                    events.Add(decoded);
                }
            }
        }

        Publish(events);
    }

    private void Publish(List<PresenceMessage>? events)
    {
        if (events is null || events.Count == 0)
        {
            return;
        }

        var subscribers = _subscribers.Snapshot;
        foreach (var e in events)
        {
            foreach (var (subscription, options) in subscribers)
            {
                if (options.Actions is null || options.Actions.Contains(e.Action))
                {
                    subscription.TryWrite(e);
                }
            }
        }
    }

    /// <summary>The channel is suspended: the member set can no longer be trusted (get fails with 91005 until re-attached).</summary>
    public void OnSuspended(RealtimeException error)
    {
        lock (_gate)
        {
            _suspended = error;
            _synced.TrySetException(error);
        }
    }

    public void Fail(RealtimeException? reason)
    {
        lock (_gate)
        {
            _synced.TrySetException(reason ?? new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = AblyChannelClient.Name });
        }

        _subscribers.CompleteAll(reason, remove: true);
    }
}
