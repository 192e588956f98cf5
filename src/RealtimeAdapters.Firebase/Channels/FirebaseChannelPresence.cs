namespace RealtimeAdapters.Firebase;

/// <summary>
/// Presence on a <see cref="FirebaseChannel"/>: this client's member is a child of the channel's <c>presence</c> node
/// that the database removes, logging a leave, when the connection drops (an on-disconnect write registered before the
/// member is written). After a reconnect the client enters again. Events come from the <c>presenceEvents</c> log.
/// </summary>
internal sealed class FirebaseChannelPresence : IChannelPresence, IAsyncDisposable
{
    private readonly FirebaseChannelClient _client;
    private readonly FirebaseChannel _channel;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ChannelFeed<PresenceMessage> _feed;
    private readonly ChannelHistory<PresenceMessage> _history;

    // This client's member: its key under presence, the key its on-disconnect leave event is written at, and its data.
    private (string Key, string LeaveKey, MessageData Data)? _own;

    public FirebaseChannelPresence(FirebaseChannelClient client, FirebaseChannel channel)
    {
        _client = client;
        _channel = channel;
        var events = channel.Path.Child(FirebaseChannelLayout.PresenceEvents);
        _feed = new ChannelFeed<PresenceMessage>(client.Store, events, ChannelWire.ReadPresence, static _ => true);
        _history = new ChannelHistory<PresenceMessage>(client.Store, events, ChannelWire.ReadPresence, client.RetentionStart);
    }

    public ValueTask EnterAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        ChangeAsync(PresenceAction.Enter, data, cancellationToken);

    public ValueTask UpdateAsync(MessageData data = default, CancellationToken cancellationToken = default) =>
        ChangeAsync(PresenceAction.Update, data, cancellationToken);

    public async ValueTask LeaveAsync(MessageData data = default, CancellationToken cancellationToken = default)
    {
        Require(RealtimeCapabilities.Presence);
        cancellationToken.ThrowIfCancellationRequested();
        ChannelValidation.ValidatePresence(_channel.Name, new PresenceMessage { Action = PresenceAction.Leave, ClientId = _client.ClientId ?? string.Empty, Data = data }, _client.Options.MaxMessageSize);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LeaveLockedAsync(data, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<IReadOnlyList<PresenceMessage>> GetAsync(CancellationToken cancellationToken = default)
    {
        Require(RealtimeCapabilities.Presence);
        var members = await _client.Store.GetAsync(_channel.Path.Child(FirebaseChannelLayout.Presence), cancellationToken).ConfigureAwait(false);

        // One member per connection and client id: should two entries claim the same (a reconnect racing the old
        // connection's on-disconnect removal), the newest stands.
        var byMember = new Dictionary<string, PresenceMessage>(StringComparer.Ordinal);
        foreach (var child in members.Children)
        {
            if (ChannelWire.ReadPresence(child.Key!, child.Node) is { } member &&
                (!byMember.TryGetValue(member.MemberKey, out var other) || other.Timestamp < member.Timestamp))
            {
                byMember[member.MemberKey] = member with { Action = PresenceAction.Present };
            }
        }

        return [.. byMember.Values];
    }

    public ValueTask<IRealtimeSubscription<PresenceMessage>> SubscribeAsync(PresenceSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        Require(RealtimeCapabilities.Presence);
        options ??= PresenceSubscriptionOptions.Default;
        var actions = options.Actions;
        return _feed.SubscribeAsync(m => actions is null || actions.Contains(m.Action), options.Buffer, cancellationToken);
    }

    public ValueTask<HistoryPage<PresenceMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        Require(RealtimeCapabilities.Presence | RealtimeCapabilities.History);
        query ??= HistoryQuery.Default;
        query.Validate();
        return _history.ReadAsync(query, FirebaseChannel.AttachPoint(query, _feed.IsAttached, _feed.Anchor), cancellationToken);
    }

    /// <summary>Enters again after a reconnect: the database removed the member (and logged its leave) when the old connection dropped.</summary>
    public async ValueTask ReenterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_own is { } own)
            {
                await WriteLockedAsync(PresenceAction.Enter, own.Data, _client.PushIds.Next(), _client.PushIds.Next(), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Leaves (when present) as the channel is released or the client closes.</summary>
    public async ValueTask LeaveOnReleaseAsync(CancellationToken cancellationToken)
    {
        if (!_client.Metadata.Supports(RealtimeCapabilities.Presence))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LeaveLockedAsync(default, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync() => _feed.DisposeAsync();

    private async ValueTask ChangeAsync(PresenceAction requested, MessageData data, CancellationToken cancellationToken)
    {
        Require(RealtimeCapabilities.Presence);
        cancellationToken.ThrowIfCancellationRequested();
        ChannelValidation.ValidatePresence(_channel.Name, new PresenceMessage { Action = requested, ClientId = _client.ClientId ?? string.Empty, Data = data }, _client.Options.MaxMessageSize);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var action = _own is null ? PresenceAction.Enter : PresenceAction.Update;
            await WriteLockedAsync(action, data, _own?.Key ?? _client.PushIds.Next(), _own?.LeaveKey ?? _client.PushIds.Next(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask WriteLockedAsync(PresenceAction action, MessageData data, string key, string leaveKey, CancellationToken cancellationToken)
    {
        var clientId = _client.ClientId!;
        var member = $"{FirebaseChannelLayout.Presence}/{key}";

        // The on-disconnect removal first: a connection lost right after the member is written still removes it.
        await _client.Store.OnDisconnectUpdateAsync(
            _channel.Path,
            new Dictionary<string, DataNode>(StringComparer.Ordinal)
            {
                [member] = DataNode.Null,
                [$"{FirebaseChannelLayout.PresenceEvents}/{leaveKey}"] = ChannelWire.PresenceEvent(PresenceAction.Leave, clientId, _client.ConnectionId, data, leaveKey),
            },
            cancellationToken).ConfigureAwait(false);
        var eventKey = _client.PushIds.Next();
        await _client.Store.UpdateAsync(
            _channel.Path,
            new Dictionary<string, DataNode>(StringComparer.Ordinal)
            {
                [member] = ChannelWire.Member(clientId, _client.ConnectionId, data, key),
                [$"{FirebaseChannelLayout.PresenceEvents}/{eventKey}"] = ChannelWire.PresenceEvent(action, clientId, _client.ConnectionId, data, eventKey),
            },
            cancellationToken).ConfigureAwait(false);
        _own = (key, leaveKey, data);
    }

    private async ValueTask LeaveLockedAsync(MessageData data, CancellationToken cancellationToken)
    {
        if (_own is not { } own)
        {
            return;
        }

        var eventKey = _client.PushIds.Next();
        await _client.Store.UpdateAsync(
            _channel.Path,
            new Dictionary<string, DataNode>(StringComparer.Ordinal)
            {
                [$"{FirebaseChannelLayout.Presence}/{own.Key}"] = DataNode.Null,
                [$"{FirebaseChannelLayout.PresenceEvents}/{eventKey}"] =
                    ChannelWire.PresenceEvent(PresenceAction.Leave, _client.ClientId!, _client.ConnectionId, data.IsNone ? own.Data : data, eventKey),
            },
            cancellationToken).ConfigureAwait(false);
        _own = null;
        await _client.Store.CancelOnDisconnectAsync(_channel.Path, cancellationToken).ConfigureAwait(false);
    }

    private void Require(RealtimeCapabilities capabilities)
    {
        _channel.ThrowIfReleased();
        _client.Metadata.EnsureSupported(capabilities);
    }
}
