namespace RealtimeAdapters;

/// <summary>The connection to the backend failed, was lost or is in a state that cannot carry the operation.</summary>
public class RealtimeConnectionException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RealtimeConnectionException()
        : this("The connection failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public RealtimeConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimeConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
