namespace RealtimeAdapters;

/// <summary>Describes a provider instance: its name and what it supports.</summary>
/// <param name="ProviderName">The provider, e.g. <c>InMemory</c>, <c>Firebase</c>, <c>Ably</c>.</param>
/// <param name="Capabilities">What the provider supports.</param>
public sealed record RealtimeProviderMetadata(string ProviderName, RealtimeCapabilities Capabilities)
{
    /// <summary>Whether every flag in <paramref name="capability"/> is supported.</summary>
    /// <param name="capability">One or more capabilities.</param>
    public bool Supports(RealtimeCapabilities capability) => (Capabilities & capability) == capability;

    /// <summary>Throws <see cref="RealtimeNotSupportedException"/> unless <paramref name="capability"/> is supported.</summary>
    /// <param name="capability">The capability a call needs.</param>
    /// <exception cref="RealtimeNotSupportedException">The capability is not supported.</exception>
    public void EnsureSupported(RealtimeCapabilities capability)
    {
        if (!Supports(capability))
        {
            throw new RealtimeNotSupportedException(ProviderName, capability & ~Capabilities);
        }
    }
}
