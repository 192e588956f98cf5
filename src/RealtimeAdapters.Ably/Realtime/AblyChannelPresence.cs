using RealtimeAdapters.Ably.Protocol;

namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// Presence of one channel: enter/update/leave as ACKed PRESENCE messages, the member list from the attach SYNC and
/// later PRESENCE events, and presence history over REST. Members are not re-entered after a reconnect (no resume yet).
/// </summary>
internal sealed class AblyChannelPresence : IChannelPresence
{
    private readonly AblyChannel _channel;
    private readonly AblyRealtimeTransport _transport;
    private readonly AblyChannelClientOptions _options;
    private readonly Action _throwIfDisposed;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PresenceMessage> _members = new(StringComparer.Ordinal);
    private (RealtimeSubscription<PresenceMessage> Subscription, PresenceSubscriptionOptions Options)[] _subscribers = [];
    private TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _entered;

    public AblyChannelPresence(AblyChannel channel, AblyRealtimeTransport transport, AblyChannelClientOptions options, Action throwIfDisposed)
    {
        _channel = channel;
        _transport = transport;
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

        if (action == PresenceAction.Leave && !Volatile.Read(ref _entered))
        {
            return;
        }

        await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        var wire = MessageMapper.ToWire(new PresenceMessage { Action = action, ClientId = clientId, Data = data }, _transport.Format);
        await _transport.SendAckedAsync(new ProtocolMessage { Action = ProtocolAction.Presence, Channel = _channel.Name, Presence = [wire] }, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _entered, action != PresenceAction.Leave);
    }

    public async ValueTask<IReadOnlyList<PresenceMessage>> GetAsync(CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        Task synced;
        lock (_gate)
        {
            synced = _synced.Task;
        }

        try
        {
            await synced.WaitAsync(_transport.RequestTimeout, _transport.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new RealtimeConnectionException($"The presence sync of channel \"{_channel.Name}\" did not finish in time.", ex) { ProviderName = "Ably", IsRetryable = true };
        }

        await _transport.PingAsync(cancellationToken).ConfigureAwait(false);

        lock (_gate)
        {
            return [.. _members.Values];
        }
    }

    public async ValueTask<IRealtimeSubscription<PresenceMessage>> SubscribeAsync(PresenceSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        options ??= PresenceSubscriptionOptions.Default;
        await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        RealtimeSubscription<PresenceMessage>? subscription = null;
        subscription = new RealtimeSubscription<PresenceMessage>(options.Buffer, () =>
        {
            lock (_gate)
            {
                _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s.Subscription, subscription));
            }

            return ValueTask.CompletedTask;
        });
        lock (_gate)
        {
            _subscribers = [.. _subscribers, (subscription, options)];
        }

        return subscription;
    }

    public ValueTask<HistoryPage<PresenceMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        _throwIfDisposed();
        if (query?.UntilAttach == true)
        {
            throw new RealtimeValidationException("Invalid presence history query: untilAttach applies to message history only.") { ErrorCode = "40000", ProviderName = "Ably" };
        }

        return _channel.ReadHistoryAsync<PresenceMessage>(query, "presence/history", static (body, format) =>
        {
            var wire = AblyCodec.DecodePresenceMessages(body, format);
            return [.. wire.Select(static m => MessageMapper.FromWire(m))];
        }, cancellationToken);
    }

    /// <summary>On ATTACHED: a sync follows when the server has members, otherwise the (empty) list is complete.</summary>
    public void OnAttached(bool hasPresence)
    {
        lock (_gate)
        {
            if (_synced.Task.IsCompleted)
            {
                _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            _members.Clear();
            if (!hasPresence)
            {
                _synced.TrySetResult();
            }
        }
    }

    public void OnSyncComplete()
    {
        lock (_gate)
        {
            _synced.TrySetResult();
        }
    }

    /// <summary>Applies a SYNC or PRESENCE frame to the member list; PRESENCE events also go to subscribers.</summary>
    public void Apply(ProtocolMessage message, bool fromSync)
    {
        var wire = MessageMapper.WithInheritedPresenceFields(message);
        (RealtimeSubscription<PresenceMessage> Subscription, PresenceSubscriptionOptions Options)[] subscribers;
        var events = new List<PresenceMessage>(wire.Count);
        lock (_gate)
        {
            foreach (var m in wire)
            {
                var decoded = MessageMapper.FromWire(m);
                if (decoded.Action == PresenceAction.Leave || decoded.Action == PresenceAction.Absent)
                {
                    _members.Remove(decoded.MemberKey);
                }
                else
                {
                    _members[decoded.MemberKey] = decoded with { Action = PresenceAction.Present };
                }

                events.Add(decoded);
            }

            subscribers = _subscribers;
        }

        if (fromSync)
        {
            return;
        }

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

    public void Fail(RealtimeException? reason)
    {
        (RealtimeSubscription<PresenceMessage> Subscription, PresenceSubscriptionOptions Options)[] subscribers;
        lock (_gate)
        {
            subscribers = _subscribers;
            _synced.TrySetException(reason ?? new RealtimeConnectionException("The Ably connection is closed.") { ProviderName = "Ably" });
        }

        foreach (var (subscription, _) in subscribers)
        {
            subscription.Complete(reason);
        }
    }
}
