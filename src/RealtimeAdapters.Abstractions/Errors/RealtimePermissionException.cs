namespace RealtimeAdapters;

/// <summary>The credentials are valid but do not allow the operation (security rules, capabilities).</summary>
public class RealtimePermissionException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public RealtimePermissionException()
        : this("Permission denied.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public RealtimePermissionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public RealtimePermissionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
