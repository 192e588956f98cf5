using System.Collections.Concurrent;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// An <see cref="IChannelClient"/> over an <see cref="InMemoryChannelHub"/>: one connection (its own
/// <see cref="ConnectionId"/>) carrying any number of channels. Strict like the real service: channel names, message
/// sizes, client ids and presence rules are checked with the same error codes as Ably.
/// </summary>
/// <remarks>
/// <para>
/// <b>Buffering.</b> Publishing completes synchronously once the hub has accepted the batch; it never waits for
/// subscribers. Each subscription (messages or presence, of this client or any other) has its own buffer, sized by
/// <see cref="ChannelSubscriptionOptions.Buffer"/> / <see cref="PresenceSubscriptionOptions.Buffer"/> (100,000 events by
/// default). When a reader falls that far behind, <see cref="BufferOverflowPolicy.Fail"/> (the default) ends that
/// subscription with <see cref="SubscriptionOverflowException"/> after the events already queued, and
/// <see cref="BufferOverflowPolicy.DropOldest"/> discards its oldest queued event; other subscribers are never affected.
/// </para>
/// <para>
/// <b>Closing.</b> <see cref="DisposeAsync"/> (or <c>Connection.CloseAsync</c>) moves the connection to Closing, makes
/// each of the client's presence members leave every channel (subscribers receive the LEAVE events), completes the
/// client's subscriptions, then moves to Closed. Afterwards every operation throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed class InMemoryChannelClient : IChannelClient
{
    internal const string ProviderName = "InMemory";

    private static readonly RealtimeProviderMetadata s_metadata = new(
        ProviderName,
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.Presence | RealtimeCapabilities.EchoSuppression);

    private readonly ConcurrentDictionary<string, InMemoryChannel> _channels = new(StringComparer.Ordinal);
    private readonly InMemoryConnection _connection;
    private volatile bool _closed;

    /// <summary>Creates a client (a new connection) on a shared hub.</summary>
    /// <param name="hub">The backend.</param>
    /// <param name="options">The client's settings, read once; anonymous with echo on when omitted.</param>
    /// <exception cref="RealtimeValidationException">The client id is empty or the wildcard <c>*</c> (40012).</exception>
    public InMemoryChannelClient(InMemoryChannelHub hub, InMemoryChannelClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        options ??= new InMemoryChannelClientOptions();
        ChannelValidation.ValidateClientId(options.ClientId, nameof(InMemoryChannelClientOptions));
        Hub = hub;
        ClientId = options.ClientId;
        EchoMessages = options.EchoMessages;
        ConnectionId = hub.CreateConnectionId();
        _connection = new InMemoryConnection(
            Shutdown,
            () => new RealtimeConnectionException("The InMemory channel client is closed; create a new client to connect again.")
            {
                ErrorCode = "80017",
                ProviderName = ProviderName,
            });
    }

    /// <summary>Creates a client with its own, private hub.</summary>
    /// <param name="options">The client's settings.</param>
    /// <exception cref="RealtimeValidationException">The client id is empty or the wildcard <c>*</c> (40012).</exception>
    public InMemoryChannelClient(InMemoryChannelClientOptions? options = null)
        : this(new InMemoryChannelHub(), options)
    {
    }

    /// <summary>The backend this client is connected to.</summary>
    public InMemoryChannelHub Hub { get; }

    /// <summary>This client's connection id, stamped on its messages and presence members.</summary>
    public string ConnectionId { get; }

    /// <inheritdoc />
    public string? ClientId { get; }

    /// <summary>Whether the client's own messages are delivered to its own subscriptions.</summary>
    public bool EchoMessages { get; }

    /// <inheritdoc />
    /// <remarks>Provider <c>InMemory</c>; channels, history, presence and echo suppression.</remarks>
    public RealtimeProviderMetadata Metadata => s_metadata;

    /// <inheritdoc />
    public IRealtimeConnection Connection => _connection;

    internal bool IsClosed => _closed;

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The client is closed.</exception>
    public IChannel GetChannel(string name)
    {
        ThrowIfClosed();
        if (_channels.TryGetValue(name ?? string.Empty, out var channel))
        {
            return channel;
        }

        while (true)
        {
            var state = Hub.GetState(name!);
            if (!state.TryHold())
            {
                // Retired between the lookup and the hold: the hub creates a fresh one.
                Hub.Forget(state);
                continue;
            }

            var created = new InMemoryChannel(this, state);
            var added = _channels.GetOrAdd(state.Name, created);
            if (!ReferenceEquals(added, created))
            {
                state.Unhold();
            }

            return added;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Immediate: the channel's subscriptions of this client complete, this client's member on it leaves (subscribers
    /// receive the LEAVE), and the hub may drop the channel once nothing else uses it and its history has expired.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The client is closed.</exception>
    public ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            ChannelNames.Validate(name);
            if (_channels.TryRemove(name, out var channel))
            {
                channel.Release();
            }

            return default;
        }
        catch (Exception ex) when (ex is RealtimeException or ObjectDisposedException)
        {
            return ValueTask.FromException(ex);
        }
    }

    /// <summary>How many channels this client holds.</summary>
    internal int ChannelCount => _channels.Count;

    /// <inheritdoc />
    /// <remarks>Returns the client for its own type, the <see cref="InMemoryChannelHub"/>, or the hub's <see cref="InMemoryChannelOptions"/>.</remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        if (serviceType == typeof(InMemoryChannelHub))
        {
            return Hub;
        }

        return serviceType == typeof(InMemoryChannelOptions) ? Hub.Options : null;
    }

    /// <summary>Closes the connection: presence members leave, subscriptions complete, state becomes Closed. Idempotent.</summary>
    public ValueTask DisposeAsync() => _connection.CloseAsync(CancellationToken.None);

    internal void ThrowIfClosed()
    {
        if (_closed)
        {
            throw new ObjectDisposedException(nameof(InMemoryChannelClient), "The InMemory channel client is closed.");
        }
    }

    private void Shutdown()
    {
        _closed = true;
        Hub.RemoveConnectionPresence(ConnectionId);
        foreach (var (name, channel) in _channels)
        {
            if (_channels.TryRemove(KeyValuePair.Create(name, channel)))
            {
                channel.Close();
            }
        }
    }
}
