namespace RealtimeAdapters;

/// <summary>
/// The base of every error RealtimeAdapters raises for a backend or input problem. Carries the provider's error code,
/// the HTTP status where there is one, and whether trying again can help.
/// </summary>
public class RealtimeException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public RealtimeException()
        : this("A realtime operation failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public RealtimeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The provider's own error code (e.g. Ably's <c>40160</c>), when it gave one.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The HTTP status of the failed request, when there was one.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Whether the same operation may succeed if tried again later.</summary>
    public bool IsRetryable { get; init; }

    /// <summary>The name of the provider that raised the error, when known.</summary>
    public string? ProviderName { get; init; }
}
