using RealtimeAdapters.Ably;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Comparison;

/// <summary>
/// A backend the scenarios run on: what it offers (with the reason when it does not), and how to open an isolated
/// session on it (a fresh engine, database namespace or channel prefix).
/// </summary>
public abstract class Backend
{
    /// <summary>The name in the report.</summary>
    public abstract string Name { get; }

    /// <summary>Why the channel contract is not offered, or <see langword="null"/> when it is.</summary>
    public virtual string? ChannelsNotOffered => null;

    /// <summary>Why the store contract is not offered, or <see langword="null"/> when it is.</summary>
    public virtual string? StoreNotOffered => null;

    /// <summary>Why network scenarios (cuts, bytes on the wire) do not apply, or <see langword="null"/> when they do.</summary>
    public virtual string? NetworkNotApplicable => null;

    /// <summary>Opens an isolated session.</summary>
    public abstract BackendSession Open();
}

/// <summary>One scenario's clients on one backend, disposed together.</summary>
public abstract class BackendSession : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _created = [];
    private CountingProxy? _proxy;

    /// <summary>A proxy in front of the backend (network backends only), created on first use.</summary>
    public CountingProxy Proxy => _proxy ??= new CountingProxy(ProxyTargetPort ?? throw new InvalidOperationException("This backend has no network."));

    /// <summary>The port a proxy forwards to, or <see langword="null"/> for an in-process backend.</summary>
    protected virtual int? ProxyTargetPort => null;

    /// <summary>A channel client.</summary>
    /// <param name="clientId">Its client id.</param>
    /// <param name="echo">Whether it receives its own messages.</param>
    /// <param name="viaProxy">Whether it connects through <see cref="Proxy"/>.</param>
    public IChannelClient Channels(string? clientId = null, bool echo = true, bool viaProxy = false) => Track(CreateChannels(clientId, echo, viaProxy));

    /// <summary>A store client.</summary>
    /// <param name="viaProxy">Whether it connects through <see cref="Proxy"/>.</param>
    public IRealtimeStore Store(bool viaProxy = false) => Track(CreateStore(viaProxy));

    /// <summary>Disposes every client, then the proxy.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_created.Select(static c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync().ConfigureAwait(false);
        }

        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates a channel client.</summary>
    protected abstract IChannelClient CreateChannels(string? clientId, bool echo, bool viaProxy);

    /// <summary>Creates a store client.</summary>
    protected abstract IRealtimeStore CreateStore(bool viaProxy);

    /// <summary>Releases the session's own resources.</summary>
    protected virtual ValueTask DisposeCoreAsync() => default;

    private T Track<T>(T client)
        where T : IAsyncDisposable
    {
        lock (_created)
        {
            _created.Add(client);
        }

        return client;
    }
}

/// <summary>The in-memory providers: one engine and one channel hub per session, no network.</summary>
public sealed class InMemoryBackend : Backend
{
    /// <inheritdoc />
    public override string Name => "InMemory";

    /// <inheritdoc />
    public override string? NetworkNotApplicable => "in-process: there is no connection to cut or bytes on a wire";

    /// <inheritdoc />
    public override BackendSession Open() => new Session();

    private sealed class Session : BackendSession
    {
        private readonly InMemoryDatabase _database = new();
        private readonly InMemoryChannelHub _hub = new();

        protected override IChannelClient CreateChannels(string? clientId, bool echo, bool viaProxy) =>
            new InMemoryChannelClient(_hub, new InMemoryChannelClientOptions { ClientId = clientId, EchoMessages = echo });

        protected override IRealtimeStore CreateStore(bool viaProxy) => new InMemoryRealtimeStore(_database);
    }
}

/// <summary>Firebase: the store and channels over database paths, on the realtime transport, one namespace per session.</summary>
/// <param name="url">The database (the emulator's, unless hosted).</param>
/// <param name="configure">Credentials and other settings of each connection.</param>
/// <param name="name">The name in the report.</param>
/// <param name="emulated">Whether <paramref name="url"/> is the local emulator (a fresh namespace per session, proxy scenarios).</param>
public sealed class FirebaseBackend(Uri url, Action<FirebaseStoreOptions>? configure = null, string name = "Firebase", bool emulated = true) : Backend
{
    private Uri Url { get; } = url;

    private bool Emulated { get; } = emulated;

    /// <inheritdoc />
    public override string Name => name;

    /// <inheritdoc />
    public override string? NetworkNotApplicable => Emulated ? null : "measured against the local emulator only (the proxy cannot stand in front of TLS)";

    /// <inheritdoc />
    public override BackendSession Open() => new Session(this, Emulated ? "cmp" + Guid.NewGuid().ToString("N")[..12] : null);

    private FirebaseStoreOptions Options(string? ns, bool viaProxy, BackendSession session)
    {
        var options = new FirebaseStoreOptions { DatabaseUrl = viaProxy ? session.Proxy.Through(Url) : Url, Namespace = ns, ReconnectInitialDelay = TimeSpan.FromMilliseconds(250) };
        if (Emulated)
        {
            options.UseEmulatorAdmin = true;
        }

        configure?.Invoke(options);
        return options;
    }

    private sealed class Session(FirebaseBackend backend, string? ns) : BackendSession
    {
        private readonly string _root = ns is null ? "comparison/" + Guid.NewGuid().ToString("N")[..12] + "/channels" : "channels";

        protected override int? ProxyTargetPort => backend.Emulated ? backend.Url.Port : null;

        protected override IChannelClient CreateChannels(string? clientId, bool echo, bool viaProxy) =>
            new FirebaseChannelClient(new FirebaseChannelOptions { ClientId = clientId, EchoMessages = echo, Root = _root, Database = backend.Options(ns, viaProxy, this) });

        protected override IRealtimeStore CreateStore(bool viaProxy) => new FirebaseRealtimeStore(backend.Options(ns, viaProxy, this));
    }
}

/// <summary>Ably: channels over the realtime protocol (JSON or msgpack), one channel prefix per session; the store over LiveObjects on a channel of the session's own.</summary>
/// <param name="url">The endpoint (the emulator's, unless hosted).</param>
/// <param name="key">The API key.</param>
/// <param name="binary">msgpack instead of JSON.</param>
/// <param name="name">The name in the report.</param>
/// <param name="emulated">Whether <paramref name="url"/> is the local emulator.</param>
public sealed class AblyBackend(Uri url, string key, bool binary, string name, bool emulated = true) : Backend
{
    private Uri Url { get; } = url;

    private string Key { get; } = key;

    private bool Binary { get; } = binary;

    private bool Emulated { get; } = emulated;

    /// <inheritdoc />
    public override string Name => name;

    /// <inheritdoc />
    public override string? NetworkNotApplicable => Emulated ? null : "measured against the local emulator only (the proxy cannot stand in front of TLS)";

    /// <inheritdoc />
    public override BackendSession Open() => new Session(this, "cmp" + Guid.NewGuid().ToString("N")[..12] + ":");

    /// <summary>The session's channel prefix, so that sessions never share a channel.</summary>
    public static string Prefix(BackendSession session) => session is Session s ? s.ChannelPrefix : string.Empty;

    private sealed class Session(AblyBackend backend, string prefix) : BackendSession
    {
        public string ChannelPrefix { get; } = prefix;

        protected override int? ProxyTargetPort => backend.Emulated ? backend.Url.Port : null;

        protected override IChannelClient CreateChannels(string? clientId, bool echo, bool viaProxy) =>
            new PrefixedChannelClient(
                new AblyChannelClient(new AblyChannelClientOptions
                {
                    Endpoint = viaProxy ? Proxy.Through(backend.Url) : backend.Url,
                    Key = backend.Key,
                    ClientId = clientId,
                    EchoMessages = echo,
                    UseBinaryProtocol = backend.Binary,
                    DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(250),
                }),
                ChannelPrefix);

        protected override IRealtimeStore CreateStore(bool viaProxy) =>
            new AblyRealtimeStore(new AblyChannelClientOptions
            {
                Endpoint = viaProxy ? Proxy.Through(backend.Url) : backend.Url,
                Key = backend.Key,
                UseBinaryProtocol = backend.Binary,
                DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(250),
                StoreChannel = ChannelPrefix + "store",
            });
    }
}

/// <summary>Isolates a session on a shared Ably app: every channel name gets the session's prefix.</summary>
internal sealed class PrefixedChannelClient(IChannelClient inner, string prefix) : DelegatingChannelClient(inner)
{
    public override IChannel GetChannel(string name) => base.GetChannel(prefix + name);

    public override ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default) =>
        base.ReleaseChannelAsync(prefix + name, cancellationToken);
}

/// <summary>The backends of a run: the in-memory providers and the emulator's, plus hosted ones configured with credentials.</summary>
public static class Backends
{
    /// <summary>The backends against one emulator.</summary>
    /// <param name="emulator">The running emulator (Firebase and Ably front ends).</param>
    /// <param name="names">Which to include (names, case-insensitive prefixes), or <see langword="null"/> for all.</param>
    public static IReadOnlyList<Backend> ForEmulator(RealtimeEmulator emulator, IReadOnlyCollection<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        Backend[] all =
        [
            new InMemoryBackend(),
            new FirebaseBackend(emulator.FirebaseUrl),
            new AblyBackend(emulator.AblyUrl, emulator.AblyKeys[0], binary: false, "Ably (JSON)"),
            new AblyBackend(emulator.AblyUrl, emulator.AblyKeys[0], binary: true, "Ably (msgpack)"),
        ];
        return names is null ? all : [.. all.Where(b => names.Any(n => b.Name.StartsWith(n, StringComparison.OrdinalIgnoreCase)))];
    }
}
