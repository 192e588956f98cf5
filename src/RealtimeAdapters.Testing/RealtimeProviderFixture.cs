using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Binds the conformance suite to one provider: what it claims to support, and how a test gets an empty, isolated
/// backend. A provider's test project derives one fixture from this class and one concrete class from each suite
/// (see <see cref="ConformanceSuites"/>). xunit creates one fixture per test class (it is an <see cref="IClassFixture{TFixture}"/>
/// of every suite); start shared infrastructure such as an emulator in <see cref="InitializeAsync"/>.
/// </summary>
public abstract class RealtimeProviderFixture : IAsyncLifetime
{
    /// <summary>The provider's name, as its <see cref="RealtimeProviderMetadata.ProviderName"/> reports it.</summary>
    public abstract string ProviderName { get; }

    /// <summary>
    /// The capabilities the provider's stores report (<see cref="IRealtimeStore.Metadata"/>): the suite checks they match
    /// exactly, runs the tests of each claimed capability, and checks that each unclaimed one is refused with
    /// <see cref="RealtimeNotSupportedException"/>. <see cref="RealtimeCapabilities.None"/> for a provider without a store.
    /// </summary>
    public abstract RealtimeCapabilities ExpectedStoreCapabilities { get; }

    /// <summary>The capabilities the provider's channel clients report (<see cref="IChannelClient.Metadata"/>); see <see cref="ExpectedStoreCapabilities"/>.</summary>
    public abstract RealtimeCapabilities ExpectedChannelCapabilities { get; }

    /// <summary>How long a test waits for an expected event before failing (5 s by default). Never used to wait for silence.</summary>
    public virtual TimeSpan EventTimeout => TimeSpan.FromSeconds(5);

    /// <summary>How far a backend timestamp may lie outside the interval the test measured on <see cref="RealtimeTestBackend.TimeProvider"/> (0 by default; a remote backend's clock may differ).</summary>
    public virtual TimeSpan ClockSkew => TimeSpan.Zero;

    /// <summary>Creates an empty backend isolated from every other (a fresh engine, namespace or app).</summary>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The backend; the test disposes it.</returns>
    public abstract ValueTask<RealtimeTestBackend> CreateBackendAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether every flag of <paramref name="capabilities"/> is claimed for stores.</summary>
    /// <param name="capabilities">One or more capabilities.</param>
    public bool ClaimsStore(RealtimeCapabilities capabilities) => (ExpectedStoreCapabilities & capabilities) == capabilities;

    /// <summary>Whether every flag of <paramref name="capabilities"/> is claimed for channel clients.</summary>
    /// <param name="capabilities">One or more capabilities.</param>
    public bool ClaimsChannels(RealtimeCapabilities capabilities) => (ExpectedChannelCapabilities & capabilities) == capabilities;

    /// <summary>Starts shared infrastructure (an emulator, a connection pool). Does nothing by default.</summary>
    public virtual ValueTask InitializeAsync() => default;

    /// <summary>Stops what <see cref="InitializeAsync"/> started. Does nothing by default.</summary>
    protected virtual ValueTask DisposeAsyncCore() => default;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
