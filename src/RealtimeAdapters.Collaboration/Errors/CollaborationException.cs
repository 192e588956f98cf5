namespace RealtimeAdapters.Collaboration;

/// <summary>A collaboration error: a document used inconsistently, or input from another replica refused.</summary>
public class CollaborationException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public CollaborationException()
        : this("A collaboration operation failed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public CollaborationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CollaborationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
