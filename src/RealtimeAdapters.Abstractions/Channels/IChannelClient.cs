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

    /// <summary>The escape hatch to provider internals (the raw client, its options), or <see langword="null"/>.</summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">An optional key.</param>
    object? GetService(Type serviceType, object? serviceKey = null);
}
