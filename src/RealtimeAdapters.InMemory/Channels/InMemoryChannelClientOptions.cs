namespace RealtimeAdapters.InMemory;

/// <summary>Settings of one <see cref="InMemoryChannelClient"/> (one connection to the hub). Read once, when the client is created.</summary>
public sealed class InMemoryChannelClientOptions
{
    /// <summary>
    /// The client id the client publishes and enters presence as, or <see langword="null"/> for an anonymous client
    /// (which cannot enter presence). Must not be empty or the wildcard <c>*</c>.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>
    /// Whether the client's own publishes are delivered to its own subscriptions (Ably <c>echoMessages</c>). Presence
    /// events are always delivered.
    /// </summary>
    public bool EchoMessages { get; set; } = true;
}
