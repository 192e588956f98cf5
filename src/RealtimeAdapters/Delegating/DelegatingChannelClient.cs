namespace RealtimeAdapters;

/// <summary>
/// A channel client that passes every call to an inner client: the base of decorators. Override the members to
/// intercept (wrap the channels <see cref="GetChannel"/> returns in a <see cref="DelegatingChannel"/> to intercept
/// channel calls). Disposing it disposes the inner client.
/// </summary>
public class DelegatingChannelClient : IChannelClient
{
    /// <summary>Creates a decorator over <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The client calls are passed to.</param>
    protected DelegatingChannelClient(IChannelClient innerClient)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        InnerClient = innerClient;
    }

    /// <summary>The client calls are passed to.</summary>
    protected IChannelClient InnerClient { get; }

    /// <inheritdoc />
    public virtual RealtimeProviderMetadata Metadata => InnerClient.Metadata;

    /// <inheritdoc />
    public virtual IRealtimeConnection Connection => InnerClient.Connection;

    /// <inheritdoc />
    public virtual string? ClientId => InnerClient.ClientId;

    /// <inheritdoc />
    public virtual IChannel GetChannel(string name) => InnerClient.GetChannel(name);

    /// <inheritdoc />
    /// <remarks>A decorator that keeps per-channel state (wrappers of the channels it returns) overrides this to drop it, calling the base.</remarks>
    public virtual ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default) =>
        InnerClient.ReleaseChannelAsync(name, cancellationToken);

    /// <summary>
    /// Returns this decorator when it is of the requested type (and no key is given), otherwise asks the inner client, so
    /// that the provider's raw client stays reachable through any number of decorators.
    /// </summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">An optional key.</param>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerClient.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes the inner client.</summary>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the decorator's resources and disposes the inner client; override to add clean-up, calling the base.</summary>
    protected virtual ValueTask DisposeAsyncCore() => InnerClient.DisposeAsync();
}
