using RealtimeAdapters.Ably.LiveObjects;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.LiveObjects;
using RealtimeAdapters.Ably.Realtime;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Ably;

/// <summary>
/// The JSON tree store (<see cref="IRealtimeStore"/>) over Ably LiveObjects, with no vendor SDK: the tree is the root LiveMap
/// of one channel (<see cref="AblyChannelClientOptions.StoreChannel"/>), each object node a nested LiveMap and each leaf a
/// map entry (string, number or boolean). The store holds the channel's objects (synced on attach, kept current by the
/// channel's operations) and their JSON view in a local tree on the shared engine, which raises the watches' events and
/// evaluates queries client-side. A write becomes LiveObjects operations sent in one OBJECT frame (all applied or none) and
/// is applied locally on its acknowledgement, so a watch sees it before the call returns; a multi-path update is one batch,
/// one change for every watcher.
/// </summary>
/// <remarks>
/// <para>
/// Offers <see cref="RealtimeCapabilities.Store"/> and <see cref="RealtimeCapabilities.Queries"/>. LiveObjects has no
/// conditional operation, no server timestamp and no priorities, and this provider registers no on-disconnect writes:
/// <see cref="RunTransactionAsync"/>, server values, <see cref="SetPriorityAsync"/> and <see cref="OnDisconnectAsync"/>
/// throw <see cref="RealtimeNotSupportedException"/> naming the capability.
/// </para>
/// <para>
/// Concurrent writers: last write wins per key, in the order the service assigns. A missing parent is created as a map
/// whose id derives from its location, the same on every client, so two clients creating it at once create one map and
/// neither's entries are lost. An empty map reads as absent, as in Firebase. The service deletes the maps of a removed
/// location; the location written again gets a fresh map (its id also names the removal), so no removed entry comes back,
/// and a write planned against a view older than the removal is refused (92002) and planned again against the newer view,
/// so it is not lost in a deleted map.
/// </para>
/// </remarks>
public sealed class AblyRealtimeStore : IRealtimeStore
{
    private static readonly RealtimeProviderMetadata StoreMetadata = new(AblyChannelClient.Name, RealtimeCapabilities.Store | RealtimeCapabilities.Queries);

    // A write refused because its view was stale is planned again at most this many times in all.
    private const int MaxWriteAttempts = 4;
    private static readonly string TombstonedCode = AblyErrorCodes.ObjectTombstoned.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private readonly AblyChannelClient _client;
    private readonly AblyChannel _channel;
    private readonly ObjectsReplica _replica;
    private readonly PushIdGenerator _pushIds;
    private readonly bool _ownsClient;
    private readonly Lock _watchesGate = new();
    private readonly HashSet<RealtimeSubscription<StoreEvent>> _watches = [];
    private int _disposed;

    /// <summary>Creates a store with a connection of its own; nothing is sent until the first operation or <see cref="IRealtimeConnection.ConnectAsync"/>.</summary>
    /// <param name="options">The connection's options; <see cref="AblyChannelClientOptions.StoreChannel"/> names the channel.</param>
    /// <exception cref="RealtimeValidationException">The options are invalid.</exception>
    public AblyRealtimeStore(AblyChannelClientOptions options)
        : this(new AblyChannelClient(options), options.StoreChannel, ownsClient: true)
    {
    }

    /// <summary>
    /// Creates a store on the connection of an existing channel client: one socket carries the client's channels and the
    /// store's objects. The store attaches its channel on that client (with the object modes only, so the client should not
    /// use that channel for messages) and leaves the client open when it is disposed.
    /// </summary>
    /// <param name="channelClient">The client whose connection the store uses.</param>
    /// <param name="storeChannel">The channel whose objects hold the tree; the client's <see cref="AblyChannelClientOptions.StoreChannel"/> when null.</param>
    /// <exception cref="RealtimeValidationException">The channel name is invalid.</exception>
    /// <exception cref="InvalidOperationException">Another store on this client already uses the channel.</exception>
    public AblyRealtimeStore(AblyChannelClient channelClient, string? storeChannel = null)
        : this(channelClient, storeChannel ?? channelClient?.Options.StoreChannel!, ownsClient: false)
    {
    }

    private AblyRealtimeStore(AblyChannelClient client, string channel, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _ownsClient = ownsClient;
        var time = client.Options.TimeProvider;
        _replica = new ObjectsReplica(time, () => _client.RealtimeConnection.ObjectsGCGracePeriod ?? ObjectsCollection.DefaultGracePeriod);
        _pushIds = new PushIdGenerator(time);
        _channel = _client.GetObjectsChannel(channel, _replica.Handle);
        ChannelName = channel;
    }

    /// <summary>The channel whose objects hold the tree.</summary>
    public string ChannelName { get; }

    /// <inheritdoc />
    public RealtimeProviderMetadata Metadata => StoreMetadata;

    /// <summary>The replica of the channel's objects (for tests).</summary>
    internal ObjectsReplica Replica => _replica;

    /// <inheritdoc />
    public IRealtimeConnection Connection => _client.Connection;

    /// <inheritdoc />
    public async ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        await ReadyAsync(cancellationToken).ConfigureAwait(false);

        // A HEARTBEAT round trip: operations the service acknowledged to other clients before answering have arrived and
        // been applied, so the read sees them (the replica is otherwise as current as the channel's stream).
        await _client.RealtimeConnection.PingAsync(cancellationToken).ConfigureAwait(false);
        return _replica.Tree.Get(query);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        // The engine's write validator (depth, key path lengths), through its public surface: the write on an empty tree.
        new InMemoryDatabase().Set(path, value);
        return WriteAsync(p => p.Write(path, value), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        // The engine's validator (keys, limits, overlapping paths), through its public surface: the update on an empty tree.
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(updates);
        new InMemoryDatabase().Update(path, updates);
        return updates.Count == 0 ? ValueTask.CompletedTask : WriteAsync(p =>
        {
            foreach (var (key, value) in updates)
            {
                p.Write(path.Child(key), value);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        cancellationToken.ThrowIfCancellationRequested();
        var path = parent.Child(_pushIds.Next());
        await SetAsync(path, value, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <summary>Not offered: LiveObjects has no priorities.</summary>
    /// <exception cref="RealtimeNotSupportedException">Always (<see cref="RealtimeCapabilities.Priorities"/>).</exception>
    public ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default) =>
        ValueTask.FromException(new RealtimeNotSupportedException(AblyChannelClient.Name, RealtimeCapabilities.Priorities));

    /// <summary>Not offered: LiveObjects has no conditional operation (last write wins).</summary>
    /// <exception cref="RealtimeNotSupportedException">Always (<see cref="RealtimeCapabilities.Transactions"/>).</exception>
    public ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromException<TransactionResult>(new RealtimeNotSupportedException(AblyChannelClient.Name, RealtimeCapabilities.Transactions));

    /// <inheritdoc />
    public async ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        cancellationToken.ThrowIfCancellationRequested();
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        var subscription = _replica.Tree.Watch(query, options);
        lock (_watchesGate)
        {
            if (Volatile.Read(ref _disposed) == 0)
            {
                _watches.Add(subscription);
                return subscription;
            }
        }

        subscription.Complete();
        throw Closed();
    }

    /// <summary>Not offered: Ably performs no writes when a connection is lost.</summary>
    /// <exception cref="RealtimeNotSupportedException">Always (<see cref="RealtimeCapabilities.OnDisconnect"/>).</exception>
    public ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default) =>
        ValueTask.FromException(new RealtimeNotSupportedException(AblyChannelClient.Name, RealtimeCapabilities.OnDisconnect));

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(AblyChannelClient))
        {
            return _client;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RealtimeSubscription<StoreEvent>[] open;
        lock (_watchesGate)
        {
            open = [.. _watches];
            _watches.Clear();
        }

        foreach (var watch in open)
        {
            watch.Complete();
            await watch.DisposeAsync().ConfigureAwait(false);
        }

        _replica.Fail(Closed());
        if (_ownsClient)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Attached, and the objects synced.</summary>
    private async Task ReadyAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _channel.AttachAsync(cancellationToken).ConfigureAwait(false);
        await _replica.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteAsync(Action<WritePlanner> plan, CancellationToken cancellationToken)
    {
        await ReadyAsync(cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var (operations, version) = _replica.Plan(AblyChannelClient.Name, plan);
            if (operations.Count == 0)
            {
                return;
            }

            var messages = new ObjectMessage[operations.Count];
            for (var i = 0; i < operations.Count; i++)
            {
                messages[i] = new ObjectMessage { Operation = operations[i] };
            }

            CheckSize(messages);
            PublishResult? result;
            try
            {
                result = await _channel.PublishObjectsAsync(messages, cancellationToken).ConfigureAwait(false);
            }
            catch (RealtimeException ex) when (attempt < MaxWriteAttempts && IsStale(ex, version))
            {
                // Planned against a view the service had moved on from (a map removed and deleted meanwhile): the refusal
                // follows the operations that moved it, so the write is planned again against them.
                continue;
            }

            if (result?.Serials is { } serials)
            {
                _replica.ApplyAcknowledged(operations, serials, _client.RealtimeConnection.SiteCode);
            }

            return;
        }
    }

    /// <summary>A refusal of an operation on a deleted object (92002) when the replica changed after the plan was made.</summary>
    private bool IsStale(RealtimeException error, long plannedAt) =>
        error.ErrorCode == TombstonedCode && _replica.Version != plannedAt;

    /// <summary>A write larger than the connection's maxMessageSize is refused before it is sent (40009), as the service would.</summary>
    private void CheckSize(ObjectMessage[] messages)
    {
        var limit = _client.RealtimeConnection.MaxMessageSize;
        var size = ObjectMessageSize.Of(messages);
        if (size > limit)
        {
            throw new MessageTooLargeException(size, limit, "LiveObjects write")
            {
                ErrorCode = AblyErrorCodes.MessageTooLarge.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ProviderName = AblyChannelClient.Name,
            };
        }
    }

    private ObjectDisposedException Closed() => new(nameof(AblyRealtimeStore), "The Ably store has been disposed; create a new store.");
}
