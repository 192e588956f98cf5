using System.Collections.Concurrent;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Realtime;

namespace RealtimeAdapters.Ably;

/// <summary>
/// The Ably channel provider: realtime WebSocket (JSON or msgpack) for publish, subscribe and presence, REST for
/// message and presence history, with API-key authentication. The connection opens on first use or on
/// <see cref="IRealtimeConnection.ConnectAsync"/>. Connection resume is not implemented yet: when the transport is lost
/// (or the server is silent past maxIdleInterval plus the request timeout) the connection moves to
/// <see cref="ConnectionState.Disconnected"/>, pending publishes fail with <see cref="RealtimeConnectionException"/> and
/// subscriptions end with that error; the next operation opens a new connection.
/// </summary>
public sealed class AblyChannelClient : IChannelClient
{
    /// <summary>The provider name reported in <see cref="Metadata"/> and in errors.</summary>
    public const string Name = "Ably";

    private static readonly RealtimeProviderMetadata ProviderMetadata = new(
        Name,
        RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.EchoSuppression | RealtimeCapabilities.Presence);

    private readonly AblyChannelClientOptions _options;
    private readonly AblyApiKey _key;
    private readonly AblyRealtimeTransport _transport;
    private readonly HttpClient _http = new();
    private readonly ConcurrentDictionary<string, AblyChannel> _channels = new(StringComparer.Ordinal);
    private int _disposed;

    /// <summary>Creates a client; nothing is sent until the first channel operation or <see cref="IRealtimeConnection.ConnectAsync"/>.</summary>
    /// <exception cref="RealtimeValidationException">The options are invalid.</exception>
    public AblyChannelClient(AblyChannelClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _key = AblyApiKey.Parse(options.Key);
        _transport = new AblyRealtimeTransport(
            options,
            _key,
            name => _channels.TryGetValue(name, out var channel) ? channel : null,
            reason =>
            {
                foreach (var channel in _channels.Values)
                {
                    channel.Fail(reason);
                }
            });
    }

    /// <inheritdoc />
    public RealtimeProviderMetadata Metadata => ProviderMetadata;

    /// <inheritdoc />
    public IRealtimeConnection Connection => _transport;

    /// <inheritdoc />
    public string? ClientId => _options.ClientId;

    /// <inheritdoc />
    public IChannel GetChannel(string name)
    {
        ThrowIfDisposed();
        ChannelNames.Validate(name);
        return _channels.GetOrAdd(name, static (n, self) => new AblyChannel(n, self._transport, self._options, self._key, self._http, self.ThrowIfDisposed), this);
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

        await _transport.DisposeAsync().ConfigureAwait(false);
        foreach (var channel in _channels.Values)
        {
            channel.Fail(null);
        }

        _http.Dispose();
    }
}
