namespace RealtimeAdapters;

/// <summary>Input was refused before it reached the backend (or the backend refused it as invalid): an invalid path or key,
/// an oversized payload, malformed JSON, an invalid query. The message names the offending value.</summary>
public class RealtimeValidationException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RealtimeValidationException()
        : this("Invalid input.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the offending value.</param>
    public RealtimeValidationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong, naming the offending value.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeValidationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception naming the offending value.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="invalidValue">The offending path, key or field.</param>
    public RealtimeValidationException(string message, string? invalidValue)
        : base(message) => InvalidValue = invalidValue;

    /// <summary>The offending path, key, name or field, when there is one.</summary>
    public string? InvalidValue { get; init; }
}
