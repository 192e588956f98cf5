namespace RealtimeAdapters.Firebase;

/// <summary>
/// A channel of a <see cref="FirebaseChannelClient"/>: messages are pushed children of the channel's <c>messages</c>
/// node, subscriptions listen to that node from the moment they attach, history pages through it by timestamp, and
/// presence lives beside it (<see cref="FirebaseChannelLayout"/>).
/// </summary>
#pragma warning disable CA1001 // Released through its client (ReleaseChannelAsync, DisposeAsync), which owns every channel; the semaphore has no wait handle to free.
public sealed class FirebaseChannel : IChannel
#pragma warning restore CA1001
{
    private readonly FirebaseChannelClient _client;
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private readonly ChannelFeed<ChannelMessage> _feed;
    private readonly ChannelHistory<ChannelMessage> _history;
    private readonly FirebaseChannelPresence _presence;
    private int _published;
    private int _released;

    internal FirebaseChannel(FirebaseChannelClient client, string name, RealtimePath path)
    {
        _client = client;
        Name = name;
        Path = path;
        var messages = path.Child(FirebaseChannelLayout.Messages);
        _feed = new ChannelFeed<ChannelMessage>(client.Store, messages, ChannelWire.ReadMessage, m => client.EchoMessages || m.ConnectionId != client.ConnectionId);
        _history = new ChannelHistory<ChannelMessage>(client.Store, messages, ChannelWire.ReadMessage, client.RetentionStart);
        _presence = new FirebaseChannelPresence(client, this);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The channel's location in the database (<see cref="FirebaseChannelLayout"/>).</summary>
    public RealtimePath Path { get; }

    /// <inheritdoc />
    public IChannelPresence Presence => _presence;

    internal FirebaseChannelClient Client => _client;

    /// <inheritdoc />
    /// <remarks>
    /// The batch is one multi-location write (atomic): every message becomes a child of <c>messages</c> under a push id
    /// generated here, in order, stamped with the database's time. A message with an <see cref="ChannelMessage.Id"/> first
    /// claims that id under <c>ids</c> with a transaction; an id already claimed by a message that exists is skipped (the
    /// publish still succeeds). Completes when the database has acknowledged the write.
    /// </remarks>
    public async ValueTask PublishAsync(IReadOnlyList<ChannelMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ThrowIfReleased();
        cancellationToken.ThrowIfCancellationRequested();
        ChannelValidation.ValidateBatch(Name, _client.ClientId, messages, _client.Options.MaxMessageSize);
        foreach (var message in messages)
        {
            if (message.Id is { } id && RealtimeKeys.GetProblem(FirebaseChannelLayout.EncodeKey(id)) is { } problem)
            {
                throw new RealtimeValidationException($"The message id \"{id}\" cannot be a Firebase key: {problem}", nameof(ChannelMessage.Id)) { ErrorCode = "40031", StatusCode = 400 };
            }
        }

        Task write;
        int count;
        await _publishGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var updates = new Dictionary<string, DataNode>(messages.Count + 1, StringComparer.Ordinal);
            HashSet<string>? ids = null;
            foreach (var message in messages)
            {
                string key;
                if (message.Id is { } id)
                {
                    if (!(ids ??= new(StringComparer.Ordinal)).Add(id) || await ClaimAsync(id, cancellationToken).ConfigureAwait(false) is not { } claimed)
                    {
                        continue;
                    }

                    key = claimed;
                }
                else
                {
                    key = _client.PushIds.Next();
                }

                updates[$"{FirebaseChannelLayout.Messages}/{key}"] = ChannelWire.Message(message, message.Id ?? key, _client.ClientId, _client.ConnectionId);
            }

            count = updates.Count;
            if (count == 0)
            {
                return;
            }

            if (_client.Options.HistoryMaxCount > 0)
            {
                updates[$"{FirebaseChannelLayout.Meta}/count"] = ServerValue.Increment(count);
            }

            // Started under the gate, so that concurrent publishes reach the database in the order they were called.
            write = _client.Store.UpdateAsync(Path, updates, cancellationToken).AsTask();
        }
        finally
        {
            _publishGate.Release();
        }

        await write.ConfigureAwait(false);
        var every = _client.Options.TrimEvery;
        var before = Interlocked.Add(ref _published, count) - count;
        if (every > 0 && (before / every) != ((before + count) / every))
        {
            _client.TrimInBackground(this);
        }
    }

    /// <inheritdoc />
    /// <remarks>Attaches (once per channel and client) at the newest message: earlier messages are not replayed; read them with <see cref="GetHistoryAsync"/>.</remarks>
    public ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(ChannelSubscriptionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        options ??= ChannelSubscriptionOptions.Default;
        return _feed.SubscribeAsync(options.Matches, options.Buffer, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Ordered by the database timestamp (then push id). Messages older than <see cref="FirebaseChannelOptions.HistoryMaxAge"/>
    /// are never returned, even before they are trimmed.
    /// </remarks>
    public ValueTask<HistoryPage<ChannelMessage>> GetHistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        query ??= HistoryQuery.Default;
        query.Validate();
        return _history.ReadAsync(query, AttachPoint(query, _feed.IsAttached, _feed.Anchor), cancellationToken);
    }

    /// <summary>
    /// Trims the channel's history now: messages beyond <see cref="FirebaseChannelOptions.HistoryMaxCount"/> (oldest first)
    /// and messages and presence events older than <see cref="FirebaseChannelOptions.HistoryMaxAge"/> are removed. Publishers
    /// call it every <see cref="FirebaseChannelOptions.TrimEvery"/> publishes; one trimmer works at a time (it holds the
    /// channel's trim lease, taken with a transaction), so concurrent publishers never remove a message twice nor
    /// miscount. Returns how many entries were removed (0 when another client holds the lease).
    /// </summary>
    /// <param name="cancellationToken">Cancels the trim (the lease then expires after <see cref="FirebaseChannelOptions.TrimLease"/>).</param>
    public ValueTask<int> TrimHistoryAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfReleased();
        return ChannelRetention.TrimAsync(_client, Path, cancellationToken);
    }

    /// <summary>The attach point for <see cref="HistoryQuery.UntilAttach"/>; throws when the channel is not attached.</summary>
    internal static (double Timestamp, string Key)? AttachPoint(HistoryQuery query, bool attached, (double, string)? anchor)
    {
        if (query.UntilAttach && !attached)
        {
            throw new RealtimeValidationException(
                "Invalid history query: untilAttach needs an active subscription on the channel (the channel is not attached).",
                nameof(HistoryQuery.UntilAttach)) { ErrorCode = "90001", StatusCode = 400 };
        }

        return anchor;
    }

    internal void ThrowIfReleased()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
        _client.ThrowIfDisposed();
    }

    /// <summary>Ends the channel on this client: its member leaves, its subscriptions end, it refuses further use.</summary>
    internal async ValueTask ReleaseAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _released) != 0)
        {
            return;
        }

        await _presence.LeaveOnReleaseAsync(cancellationToken).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        await _feed.DisposeAsync().ConfigureAwait(false);
        await _presence.DisposeAsync().ConfigureAwait(false);
    }

    // Claims a message id: the push id the message is to be written at, or null when a message with that id exists.
    private async ValueTask<string?> ClaimAsync(string id, CancellationToken cancellationToken)
    {
        var claimPath = Path.Child(FirebaseChannelLayout.Ids).Child(FirebaseChannelLayout.EncodeKey(id));
        var fresh = _client.PushIds.Next();
        string? existing = null;
        var result = await _client.Store.RunTransactionAsync(
            claimPath,
            current =>
            {
                existing = ChannelWire.ReadIdClaim(current.Node);
                return existing is null ? TransactionDecision.Commit(ChannelWire.IdClaim(fresh)) : TransactionDecision.Abort();
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Committed)
        {
            return fresh;
        }

        // Claimed before. The message is there unless its publisher stopped between the claim and the write: write it
        // then, at the claimed key, so that a retried publish delivers it exactly once.
        if (!RealtimeKeys.IsValid(existing))
        {
            return null;
        }

        var message = await _client.Store.GetAsync(Path.Child(FirebaseChannelLayout.Messages).Child(existing!), cancellationToken).ConfigureAwait(false);
        return message.Exists ? null : existing;
    }
}
