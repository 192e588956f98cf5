namespace RealtimeAdapters.Testing;

/// <summary>What a conformance test asks of a channel client it creates through <see cref="RealtimeTestBackend.CreateChannelClientAsync"/>.</summary>
public sealed record ChannelClientSpec
{
    /// <summary>An anonymous client that receives its own messages.</summary>
    public static ChannelClientSpec Anonymous { get; } = new();

    /// <summary>The client id the client publishes and enters presence as, or <see langword="null"/> for an anonymous client.</summary>
    public string? ClientId { get; init; }

    /// <summary>
    /// Whether the client's own publishes are delivered to its own subscriptions. A binding passes <see langword="false"/> on
    /// to the provider; a provider without <see cref="RealtimeCapabilities.EchoSuppression"/> must then refuse with
    /// <see cref="RealtimeNotSupportedException"/> (when the client is created or when it is used), never silently echo.
    /// </summary>
    public bool EchoMessages { get; init; } = true;

    /// <summary>A client with a client id that receives its own messages.</summary>
    /// <param name="clientId">The client id.</param>
    public static ChannelClientSpec WithClientId(string clientId) => new() { ClientId = clientId };
}
