using System.Security.Cryptography;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// The channel contract (<see cref="IChannelClient"/>: publish, subscribe, history, presence) over a Firebase Realtime
/// Database, in a documented layout any Firebase client can read and write (<see cref="FirebaseChannelLayout"/>).
/// Messages are pushed children of a channel's path stamped with the database's time; presence members are children the
/// database removes when this client's connection drops. Each client has its own connection (the realtime transport by
/// default), its own connection id, and trims the history of the channels it publishes on
/// (<see cref="FirebaseChannel.TrimHistoryAsync"/>).
/// </summary>
/// <remarks>
/// Capabilities: channels, history and echo suppression always; presence when the database connection can run
/// on-disconnect writes (the realtime transport, not REST + Server-Sent Events). Messages are ordered per publisher;
/// a subscriber receives them in the order the database applied them.
/// </remarks>
public sealed class FirebaseChannelClient : IChannelClient
{
    private readonly bool _ownsStore;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FirebaseChannel> _channels = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _background = [];
    private readonly ConnectionStateTracker _state;
    private readonly ClientConnection _connection;
    private readonly IRealtimeSubscription<ConnectionStateChange> _storeStates;
    private readonly RealtimePath _root;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <summary>Creates a client with its own database connection (<see cref="FirebaseChannelOptions.Database"/>).</summary>
    /// <param name="options">The settings.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The settings are invalid.</exception>
    /// <exception cref="RealtimeValidationException">The client id is empty or the wildcard (40012).</exception>
    public FirebaseChannelClient(FirebaseChannelOptions options)
        : this(CreateStore(options), options, ownsStore: true)
    {
    }

    /// <summary>
    /// Creates a client over a store the application already has (one connection for the store and the channels). The
    /// store is not disposed with the client; presence is offered when the store claims <see cref="RealtimeCapabilities.OnDisconnect"/>,
    /// and the client's members leave when it is disposed or the store's connection drops. <see cref="FirebaseChannelOptions.Database"/>
    /// is not used.
    /// </summary>
    /// <param name="store">The store (a <see cref="FirebaseRealtimeStore"/>, or any store: the in-memory one in tests).</param>
    /// <param name="options">The channel settings; the defaults when omitted.</param>
    public FirebaseChannelClient(IRealtimeStore store, FirebaseChannelOptions? options = null)
        : this(store, options ?? new FirebaseChannelOptions(), ownsStore: false)
    {
    }

    private FirebaseChannelClient(IRealtimeStore store, FirebaseChannelOptions options, bool ownsStore)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ChannelValidation.ValidateClientId(options.ClientId, nameof(FirebaseChannelOptions));
        if (FirebaseChannelLayout.GetRootProblem(options.Root) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        Store = store;
        Options = options;
        _ownsStore = ownsStore;
        _root = RealtimePath.Parse(options.Root);
        _time = options.TimeProvider ?? (store as FirebaseRealtimeStore)?.Options.TimeProvider ?? TimeProvider.System;
        ClientId = options.ClientId;
        EchoMessages = options.EchoMessages;
        ConnectionId = NewConnectionId();
        PushIds = new PushIdGenerator(_time);
        var capabilities = RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression |
            (store.Metadata.Supports(RealtimeCapabilities.OnDisconnect) ? RealtimeCapabilities.Presence : RealtimeCapabilities.None);
        Metadata = new RealtimeProviderMetadata(FirebaseRealtimeStore.Name, capabilities);
        _state = new ConnectionStateTracker(store.Connection.State);
        _connection = new ClientConnection(this);
        _storeStates = store.Connection.WatchState();
        Track(Task.Run(FollowStoreAsync));
    }

    /// <inheritdoc />
    public RealtimeProviderMetadata Metadata { get; }

    /// <inheritdoc />
    /// <remarks>Follows the database connection; closing it closes this client (and its own database connection).</remarks>
    public IRealtimeConnection Connection => _connection;

    /// <inheritdoc />
    public string? ClientId { get; }

    /// <summary>This client's connection id, carried by its messages and presence members (random, per client).</summary>
    public string ConnectionId { get; }

    /// <summary>The settings.</summary>
    public FirebaseChannelOptions Options { get; }

    /// <summary>The store the channels live in.</summary>
    public IRealtimeStore Store { get; }

    internal bool EchoMessages { get; }

    internal PushIdGenerator PushIds { get; }

    /// <inheritdoc />
    public IChannel GetChannel(string name)
    {
        ThrowIfDisposed();
        var path = FirebaseChannelLayout.ChannelPath(_root, name);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_channels.TryGetValue(name, out var channel))
            {
                channel = new FirebaseChannel(this, name, path);
                _channels.Add(name, channel);
            }

            return channel;
        }
    }

    /// <inheritdoc />
    public async ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ChannelNames.Validate(name);
        FirebaseChannel? channel;
        lock (_gate)
        {
            _channels.TryGetValue(name, out channel);
        }

        if (channel is null)
        {
            return;
        }

        await channel.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_channels.TryGetValue(name, out var current) && ReferenceEquals(current, channel))
            {
                _channels.Remove(name);
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType == typeof(FirebaseChannelOptions) ? Options
            : serviceType.IsInstanceOfType(Store) ? Store
            : Store.GetService(serviceType);
    }

    /// <summary>Leaves every channel's presence, ends every subscription and closes the client's own database connection. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _state.TryTransition(ConnectionState.Closing);
        FirebaseChannel[] channels;
        lock (_gate)
        {
            channels = [.. _channels.Values];
            _channels.Clear();
        }

        // Members leave explicitly (observers see the leave at once); should that fail, the database's on-disconnect
        // write does it when the connection closes, or, over a shared store, the client cancels nothing it cannot reach.
        using (var leave = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time))
        {
            foreach (var channel in channels)
            {
                try
                {
                    await channel.ReleaseAsync(leave.Token).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // Closing goes on; the database removes what an explicit leave could not.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }
        }

        await _storeStates.DisposeAsync().ConfigureAwait(false);
        if (_ownsStore)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }

        Task[] background;
        lock (_gate)
        {
            background = [.. _background];
        }

        await Task.WhenAll(background).ConfigureAwait(false);
        _state.TryTransition(ConnectionState.Closed);
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <summary>The database's time as this client estimates it (its clock plus the connection's measured offset).</summary>
    internal DateTimeOffset ServerNow() => _time.GetUtcNow() + ((Store as FirebaseRealtimeStore)?.ServerTimeOffset ?? TimeSpan.Zero);

    /// <summary>The oldest time history keeps, or <see langword="null"/> when it keeps everything.</summary>
    internal DateTimeOffset? RetentionStart() => Options.HistoryMaxAge > TimeSpan.Zero ? ServerNow() - Options.HistoryMaxAge : null;

    /// <summary>Trims a channel after a publish, without holding up the publisher; failures are left to the next trim.</summary>
    internal void TrimInBackground(FirebaseChannel channel) =>
        Track(Task.Run(async () =>
        {
            try
            {
                await channel.TrimHistoryAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A trim that fails (the connection dropped, the client closed) is retried by the next one.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }));

    private static FirebaseRealtimeStore CreateStore(FirebaseChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Internal.OptionsValidation.Validate(options);

        // A message is delivered once, with the database's timestamp: no locally estimated events.
        options.Database.LatencyCompensation = false;
        options.Database.TimeProvider ??= options.TimeProvider;
        return new FirebaseRealtimeStore(options.Database);
    }

    private static string NewConnectionId()
    {
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _background.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_gate)
                {
                    _background.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    // Mirrors the database connection's state; after a reconnect, enters again where this client was present (the
    // database removed its members when the old connection dropped).
    private async Task FollowStoreAsync()
    {
        var dropped = false;
        try
        {
            await foreach (var change in ((IAsyncEnumerable<ConnectionStateChange>)_storeStates).ConfigureAwait(false))
            {
                if (Volatile.Read(ref _disposed) != 0)
                {
                    return;
                }

                _state.TryTransition(change.Current, change.Reason, change.RetryAt);
                if (change.Current is ConnectionState.Disconnected or ConnectionState.Suspended)
                {
                    dropped = true;
                }
                else if (change.Current == ConnectionState.Connected && dropped)
                {
                    dropped = false;
                    await ReenterAsync().ConfigureAwait(false);
                }
            }
        }
#pragma warning disable CA1031 // The state stream of a store that failed: the state already says so.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task ReenterAsync()
    {
        FirebaseChannel[] channels;
        lock (_gate)
        {
            channels = [.. _channels.Values];
        }

        foreach (var channel in channels)
        {
            try
            {
                await ((FirebaseChannelPresence)channel.Presence).ReenterAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // One channel that cannot re-enter (released meanwhile, connection lost again) does not stop the others; the next reconnect retries.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }

    private sealed class ClientConnection(FirebaseChannelClient client) : IRealtimeConnection
    {
        public ConnectionState State => client._state.State;

        public ConnectionStateChange? LastChange => client._state.LastChange;

        public IRealtimeSubscription<ConnectionStateChange> WatchState(SubscriptionBufferOptions? buffer = null) => client._state.Watch(buffer);

        public async ValueTask ConnectAsync(CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (Volatile.Read(ref client._disposed) != 0)
            {
                throw new RealtimeConnectionException("The Firebase channel client was closed; create a new client to connect again.") { ProviderName = FirebaseRealtimeStore.Name };
            }

            await client.Store.Connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
            client._state.TryTransition(client.Store.Connection.State);
        }

        public ValueTask CloseAsync(CancellationToken cancellationToken = default) => client.DisposeAsync();
    }
}
