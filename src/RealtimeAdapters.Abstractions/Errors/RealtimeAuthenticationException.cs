namespace RealtimeAdapters;

/// <summary>The credentials were missing, malformed, expired or refused.</summary>
public class RealtimeAuthenticationException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RealtimeAuthenticationException()
        : this("Authentication failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public RealtimeAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeAuthenticationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
