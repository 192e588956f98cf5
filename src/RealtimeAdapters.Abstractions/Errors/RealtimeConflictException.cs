namespace RealtimeAdapters;

/// <summary>A conditional write lost a race (an ETag or expected value no longer matched), or a transaction gave up after its retries.</summary>
public class RealtimeConflictException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RealtimeConflictException()
        : this("The value changed concurrently.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public RealtimeConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
