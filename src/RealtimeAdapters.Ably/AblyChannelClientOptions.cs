namespace RealtimeAdapters.Ably;

/// <summary>Options of an <see cref="AblyChannelClient"/>.</summary>
public sealed record AblyChannelClientOptions
{
    /// <summary>The API key, <c>appId.keyId:secret</c>. Sent as Basic credentials, so only over TLS or to a loopback host.</summary>
    public string? Key { get; init; }

    /// <summary>The client identity this client publishes as, or <see langword="null"/> for an anonymous client.</summary>
    public string? ClientId { get; init; }

    /// <summary>The service endpoint (http, https, ws or wss), for example the emulator's <c>AblyUrl</c>.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Whether the wire format is msgpack (binary) instead of JSON.</summary>
    public bool UseBinaryProtocol { get; init; }

    /// <summary>Whether messages this connection publishes are delivered back to its own subscribers.</summary>
    public bool EchoMessages { get; init; } = true;

    /// <summary>The clock for every timeout.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>How long connecting, attaching, publishing and closing may wait for the server.</summary>
    public TimeSpan RealtimeRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a REST request (history) may take.</summary>
    public TimeSpan HttpRequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether publishes and presence changes made while connecting or disconnected wait for the connection (sent, in
    /// order, once it is back) instead of failing at once. They fail when the connection becomes suspended, closed or failed.
    /// </summary>
    public bool QueueMessages { get; init; } = true;

    /// <summary>The base delay before retrying a disconnected connection (RTB1: grows to twice this, with jitter).</summary>
    public TimeSpan DisconnectedRetryTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The delay between connection attempts while suspended.</summary>
    public TimeSpan SuspendedRetryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The base delay before re-attaching a channel whose attach timed out or that the server detached.</summary>
    public TimeSpan ChannelRetryTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Throws a <see cref="RealtimeValidationException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            throw new RealtimeValidationException("Invalid Ably options: Endpoint must be an absolute http, https, ws or wss URI.") { ProviderName = "Ably" };
        }

        Auth.AblyApiKey.Parse(Key);
        if (Endpoint.Scheme is "http" or "ws" && !Endpoint.IsLoopback)
        {
            throw new RealtimeValidationException("Invalid Ably options: an API key is only sent over TLS (https/wss) or to a loopback host.") { ErrorCode = "40103", ProviderName = "Ably" };
        }

        if (ClientId is "*")
        {
            throw new RealtimeValidationException("Invalid Ably options: ClientId must not be the wildcard '*'.") { ErrorCode = "40012", ProviderName = "Ably" };
        }

        if (RealtimeRequestTimeout <= TimeSpan.Zero || HttpRequestTimeout <= TimeSpan.Zero || DisconnectedRetryTimeout <= TimeSpan.Zero ||
            SuspendedRetryTimeout <= TimeSpan.Zero || ChannelRetryTimeout <= TimeSpan.Zero)
        {
            throw new RealtimeValidationException("Invalid Ably options: timeouts must be positive.") { ProviderName = "Ably" };
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
