namespace RealtimeAdapters;

/// <summary>
/// The provider does not offer the capability the call needs. Derives from <see cref="NotSupportedException"/> so that
/// callers can catch either; the message names the provider and the capability.
/// </summary>
public class RealtimeNotSupportedException : NotSupportedException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RealtimeNotSupportedException()
        : this("The provider does not support this operation.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is not supported.</param>
    public RealtimeNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is not supported.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeNotSupportedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the provider and the missing capability.</summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="capability">The capability it lacks.</param>
    public RealtimeNotSupportedException(string providerName, RealtimeCapabilities capability)
        : base($"The {providerName} provider does not support {capability}.")
    {
        ProviderName = providerName;
        Capability = capability;
    }

    /// <summary>The provider that refused the call.</summary>
    public string? ProviderName { get; init; }

    /// <summary>The capability the call needed.</summary>
    public RealtimeCapabilities Capability { get; init; }
}
