using System.Collections.Concurrent;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Realtime;

namespace RealtimeAdapters.Ably;

/// <summary>
/// The Ably channel provider: the realtime WebSocket protocol (JSON or msgpack) for publish, subscribe and presence, REST
/// for message and presence history. The connection opens on first use or on <see cref="IRealtimeConnection.ConnectAsync"/>
/// and follows Ably's connection state machine: a lost transport is resumed with the connection key (the first attempt at
/// once, then with backoff and jitter), channels re-attach from their last serial, unacknowledged publishes are resent;
/// after connectionStateTtl without a connection the client is suspended (pending publishes fail, channels are suspended)
/// and keeps retrying. Whether a reconnect kept continuity is reported on <see cref="Connection"/> (the reason of the
/// <see cref="ConnectionState.Connected"/> change) and per channel by <see cref="WatchChannelStates"/>.
/// </summary>
public sealed class AblyChannelClient : IChannelClient
{
    /// <summary>The provider name reported in <see cref="Metadata"/> and in errors.</summary>
    public const string Name = "Ably";

    private static readonly RealtimeProviderMetadata ProviderMetadata = new(
        Name,
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression | RealtimeCapabilities.Presence);

    private readonly AblyChannelClientOptions _options;
    private readonly AblyAuthorizer _authorizer;
    private readonly IAblyCredentialSource _credentials;
    private readonly AblyRealtimeConnection _connection;
    private readonly HttpClient _http;
    private readonly HttpMessageInvoker? _webSocketInvoker;
    private readonly ConcurrentDictionary<string, AblyChannel> _channels = new(StringComparer.Ordinal);
    private readonly SubscriberList<AblyChannelStateChange, SubscriptionBufferOptions?> _channelWatchers = new();
    private readonly AblyRecoveryKey? _recovered;
    private int _disposed;

    /// <summary>Creates a client; nothing is sent until the first channel operation or <see cref="IRealtimeConnection.ConnectAsync"/>.</summary>
    /// <exception cref="RealtimeValidationException">The options are invalid.</exception>
    public AblyChannelClient(AblyChannelClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _recovered = options.RecoveryKey is { } recoveryKey ? AblyRecoveryKey.TryParse(recoveryKey, out _) : null;
        // One HTTP pipeline for REST and the realtime WebSocket: the application's handler (or the IHttpClientFactory's, when
        // registered through DI) sends both, so a proxy or certificate policy applies to every connection. The WebSocket gets
        // its own invoker: HttpClient.SendAsync would buffer the upgrade response.
        var handler = options.HttpMessageHandler ?? options.HttpMessageHandlerFactory?.Invoke();
        _http = handler is not null ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        _webSocketInvoker = handler is not null ? new HttpMessageInvoker(handler, disposeHandler: false) : null;
        _authorizer = new AblyAuthorizer(options, _http);
        _credentials = new AblyAuthorizerCredentials(_authorizer);
        _connection = new AblyRealtimeConnection(
            options,
            _credentials,
            name => _channels.TryGetValue(name, out var channel) ? channel : null,
            () => _channels.Values,
            _webSocketInvoker);
    }

    /// <inheritdoc />
    public RealtimeProviderMetadata Metadata => ProviderMetadata;

    /// <inheritdoc />
    public IRealtimeConnection Connection => _connection;

    /// <inheritdoc />
    public string? ClientId => _options.ClientId;

    /// <summary>The id the server gave the current (or last) connection, or <see langword="null"/> before the first.</summary>
    public string? ConnectionId => _connection.ConnectionId;

    /// <inheritdoc />
    public IChannel GetChannel(string name) => GetAblyChannel(name, null);

    /// <summary>
    /// The channel <paramref name="name"/> with Ably-specific options (rewind on first attach, an encryption key). Options
    /// apply when the channel is first used on this client; asking again with different options is refused.
    /// </summary>
    /// <param name="name">The channel name.</param>
    /// <param name="options">The channel's options.</param>
    /// <exception cref="RealtimeValidationException">The name or the options are invalid, or the channel exists with other options.</exception>
    public IChannel GetChannel(string name, AblyChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return GetAblyChannel(name, options);
    }

    /// <summary>
    /// The channel a LiveObjects store uses: attached with the object modes (and no others, so no messages or presence are
    /// delivered), its OBJECT and OBJECT_SYNC frames and ATTACHED handed to <paramref name="objects"/> on the receive loop.
    /// </summary>
    internal AblyChannel GetObjectsChannel(string name, Action<ProtocolMessage> objects)
    {
        var channel = GetAblyChannel(name, null);
        channel.UseForObjects(objects);
        return channel;
    }

    /// <summary>The options the client was created with.</summary>
    internal AblyChannelClientOptions Options => _options;

        /// <summary>The realtime connection (a store's reads wait for a HEARTBEAT round trip on it).</summary>
    internal AblyRealtimeConnection RealtimeConnection => _connection;

    private AblyChannel GetAblyChannel(string name, AblyChannelOptions? options)
    {
        ThrowIfDisposed();
        ChannelNames.Validate(name);
        var channel = _channels.GetOrAdd(name, static (n, state) =>
        {
            var (self, options) = state;
            return new AblyChannel(
                n, self._connection, self._options, self._credentials, self._http, self.ThrowIfDisposed, self.OnChannelStateChange,
                self._recovered?.ChannelSerials.GetValueOrDefault(n),
                self.CipherFor(n, options),
                options);
        }, (this, options));
        if (options is not null && channel.Options != options)
        {
            throw new RealtimeValidationException($"Channel \"{name}\" is already in use on this client with other options; options apply when a channel is first used.", name)
            {
                ErrorCode = "40003",
                ProviderName = Name,
            };
        }

        return channel;
    }

    // A channel that is meant to be encrypted is never created without its cipher: a key that does not parse (the options
    // dictionary can change after the client was validated) is refused, not ignored.
    private CipherParams? CipherFor(string channel, AblyChannelOptions? options)
    {
        var key = options?.CipherKey ?? (_options.ChannelCipherKeys?.TryGetValue(channel, out var configured) == true ? configured : null);
        if (key is null)
        {
            return null;
        }

        if (!AblyChannelClientOptions.TryParseCipherKey(key, out var bytes))
        {
            throw new RealtimeValidationException(
                $"Invalid cipher key for channel \"{channel}\" (ChannelCipherKeys): it must be base64 of 16 or 32 bytes (AES-128 or AES-256); the channel is not created unencrypted.",
                "ChannelCipherKeys:" + channel)
            {
                ErrorCode = "40003",
                ProviderName = Name,
            };
        }

        return new CipherParams(bytes);
    }

    /// <summary>
    /// A recovery key for this connection (RTN16g): hand it to a new client instance (<see cref="AblyChannelClientOptions.RecoveryKey"/>),
    /// for example after a process restart, within the server's connectionStateTtl. It holds the connection key (a
    /// credential of this connection: keep it as private as the API key), the next msgSerial and each attached channel's
    /// serial. <see langword="null"/> before the first connection and after close or failure.
    /// </summary>
    public string? CreateRecoveryKey()
    {
        ThrowIfDisposed();
        if (_connection.GetRecoveryState() is not { } state)
        {
            return null;
        }

        var serials = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, channel) in _channels)
        {
            if (channel.ChannelSerial is { } serial)
            {
                serials[name] = serial;
            }
        }

        return new AblyRecoveryKey(state.ConnectionKey, state.MsgSerial, serials).Serialize();
    }

    /// <summary>The state of a channel on this client (<see cref="AblyChannelState.Initialized"/> for one never used).</summary>
    /// <param name="name">The channel name.</param>
    public AblyChannelState GetChannelState(string name)
    {
        ChannelNames.Validate(name);
        return _channels.TryGetValue(name, out var channel) ? channel.State : AblyChannelState.Initialized;
    }

    /// <summary>
    /// Streams every channel's state changes from now on, including updates while attached: a re-attach that lost
    /// continuity has <see cref="AblyChannelStateChange.ContinuityLost"/> set. The stream ends when the client is disposed.
    /// </summary>
    /// <param name="buffer">The watcher's buffer.</param>
    public IRealtimeSubscription<AblyChannelStateChange> WatchChannelStates(SubscriptionBufferOptions? buffer = null)
    {
        ThrowIfDisposed();
        return _channelWatchers.Add(buffer, buffer);
    }

    /// <summary>
    /// Detaches a channel (RTL5): the server stops sending its messages and presence events. Its subscriptions stay open
    /// and receive again after the next attach (a new subscribe or presence call).
    /// </summary>
    /// <param name="name">The channel name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeConnectionException">The server did not confirm in time.</exception>
    public async ValueTask DetachAsync(string name, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await GetAblyChannel(name, null).DetachAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Detaches the channel first (RTS4a; the server makes this client's member leave), then ends its subscriptions and
    /// forgets it. Should the detach fail (a failed channel, no answer within the request timeout), the channel is released
    /// all the same. A <see cref="GetChannel(string)"/> for the name while the release is under way returns the channel
    /// being released.
    /// </remarks>
    public async ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ChannelNames.Validate(name);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_channels.TryGetValue(name, out var channel))
        {
            return;
        }

        await channel.DetachForReleaseAsync(cancellationToken).ConfigureAwait(false);
        _channels.TryRemove(KeyValuePair.Create(name, channel));
        channel.MarkReleased();
    }

    /// <summary>How many channels this client holds.</summary>
    internal int ChannelCount => _channels.Count;

    private void OnChannelStateChange(AblyChannelStateChange change)
    {
        foreach (var (watcher, _) in _channelWatchers.Snapshot)
        {
            watcher.TryWrite(change);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        foreach (var channel in _channels.Values)
        {
            channel.OnConnectionEnded(null);
        }

        _channelWatchers.CompleteAll(null, remove: true);
        _authorizer.Dispose();
        _http.Dispose();
        _webSocketInvoker?.Dispose();
    }
}
