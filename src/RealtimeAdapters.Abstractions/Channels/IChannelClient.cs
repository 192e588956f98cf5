namespace RealtimeAdapters;

/// <summary>
/// A client of a pub/sub backend (the Ably model): one connection carrying many named channels. Disposing it closes the
/// connection, ends its subscriptions and removes its presence members.
/// </summary>
public interface IChannelClient : IAsyncDisposable
{
    /// <summary>The provider's name and capabilities.</summary>
    RealtimeProviderMetadata Metadata { get; }

    /// <summary>The connection and its observable state.</summary>
    IRealtimeConnection Connection { get; }

    /// <summary>The client id this client publishes and enters presence as, or <see langword="null"/> when anonymous.</summary>
    string? ClientId { get; }

    /// <summary>The channel with this name; the same instance for the same name.</summary>
    /// <param name="name">The channel name (<see cref="ChannelNames"/>).</param>
    /// <exception cref="RealtimeValidationException">The name is invalid.</exception>
    IChannel GetChannel(string name);

    /// <summary>
    /// Releases a channel this client no longer needs (Ably RTS4): it is detached, its subscriptions on this client end,
    /// this client's presence member on it leaves, and the client forgets it, so that an application that uses many
    /// short-lived channels (one per user, per document) does not keep them all. The released instance refuses further
    /// use with <see cref="ObjectDisposedException"/>; a later <see cref="GetChannel"/> for the name returns a new one.
    /// Releasing a channel this client does not hold does nothing.
    /// </summary>
    /// <param name="name">The channel name (<see cref="ChannelNames"/>).</param>
    /// <param name="cancellationToken">Cancels the wait for the detach; the channel then stays in use.</param>
    /// <exception cref="RealtimeValidationException">The name is invalid.</exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    ValueTask ReleaseChannelAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The escape hatch to provider internals (the raw client, its options), or <see langword="null"/>.</summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">An optional key.</param>
    object? GetService(Type serviceType, object? serviceKey = null);
}
