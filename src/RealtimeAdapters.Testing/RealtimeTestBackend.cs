using System.Collections.Concurrent;

namespace RealtimeAdapters.Testing;

/// <summary>
/// One test's backend: an empty database and an empty set of channels, isolated from every other backend. Every store
/// and channel client created from the same backend talks to the same data, so multi-client tests (presence, echo,
/// transactions racing each other) work. Disposing the backend disposes every client it created.
/// </summary>
/// <remarks>
/// The in-memory binding creates a fresh engine per backend; network bindings use a fresh database namespace and a fresh
/// channel-name prefix (or a fresh emulator app) per backend.
/// </remarks>
public abstract class RealtimeTestBackend : IAsyncDisposable
{
    private readonly ConcurrentStack<IAsyncDisposable> _created = new();
    private int _disposed;

    /// <summary>The clock the backend stamps data with (server timestamps, message timestamps, push ids).</summary>
    /// <remarks>Tests that check a backend timestamp read this clock before and after the operation and allow <see cref="RealtimeProviderFixture.ClockSkew"/>.</remarks>
    public abstract TimeProvider TimeProvider { get; }

    /// <summary>Whether <see cref="AdvanceTime"/> works (the backend runs on a fake clock). Tests about retention run only then.</summary>
    public virtual bool CanControlTime => false;

    /// <summary>The largest channel message the backend accepts, in bytes as Ably counts them (name, data, client id, extras).</summary>
    public virtual int MaxMessageSize => 65536;

    /// <summary>How long channel history is kept, or <see langword="null"/> when unknown or unlimited.</summary>
    public virtual TimeSpan? HistoryRetention => null;

    /// <summary>Moves the backend's clock forward; only when <see cref="CanControlTime"/> is <see langword="true"/>.</summary>
    /// <param name="delta">How far to move.</param>
    /// <exception cref="NotSupportedException">The backend's clock cannot be controlled.</exception>
    public virtual void AdvanceTime(TimeSpan delta) =>
        throw new NotSupportedException("This backend runs on a real clock; check CanControlTime first.");

    /// <summary>Creates a store client over this backend's database.</summary>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The store; the backend disposes it when disposed.</returns>
    /// <exception cref="RealtimeNotSupportedException">The provider offers no store.</exception>
    public async ValueTask<IRealtimeStore> CreateStoreAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var store = await CreateStoreCoreAsync(cancellationToken).ConfigureAwait(false);
        _created.Push(store);
        return store;
    }

    /// <summary>Creates a channel client (one connection) on this backend's channels.</summary>
    /// <param name="spec">Client id and echo; <see cref="ChannelClientSpec.Anonymous"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The client; the backend disposes it when disposed.</returns>
    /// <exception cref="RealtimeNotSupportedException">The provider offers no channels, or not what the spec asks for.</exception>
    public async ValueTask<IChannelClient> CreateChannelClientAsync(ChannelClientSpec? spec = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var client = await CreateChannelClientCoreAsync(spec ?? ChannelClientSpec.Anonymous, cancellationToken).ConfigureAwait(false);
        _created.Push(client);
        return client;
    }

    /// <summary>Creates a store client over this backend's database (called by <see cref="CreateStoreAsync"/>).</summary>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <exception cref="RealtimeNotSupportedException">The provider offers no store.</exception>
    protected abstract ValueTask<IRealtimeStore> CreateStoreCoreAsync(CancellationToken cancellationToken);

    /// <summary>Creates a channel client (called by <see cref="CreateChannelClientAsync"/>).</summary>
    /// <param name="spec">Client id and echo.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <exception cref="RealtimeNotSupportedException">The provider offers no channels, or not what the spec asks for.</exception>
    protected abstract ValueTask<IChannelClient> CreateChannelClientCoreAsync(ChannelClientSpec spec, CancellationToken cancellationToken);

    /// <summary>Releases the backend itself (namespace, engine) after its clients were disposed.</summary>
    protected virtual ValueTask DisposeCoreAsync() => default;

    /// <summary>Disposes every client created from this backend (newest first), then the backend. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<Exception>? errors = null;
        while (_created.TryPop(out var item))
        {
            try
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Keep disposing the rest; the errors are rethrown together below.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(ex);
            }
        }

        await DisposeCoreAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
        if (errors is not null)
        {
            throw new AggregateException("Disposing the backend's clients failed.", errors);
        }
    }
}
