namespace RealtimeAdapters;

/// <summary>A message or payload is larger than the limit in force (Ably error 40009).</summary>
public class MessageTooLargeException : RealtimeValidationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public MessageTooLargeException()
        : this("The message is too large.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public MessageTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public MessageTooLargeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a size over a limit.</summary>
    /// <param name="size">The size of the refused payload, in bytes.</param>
    /// <param name="limit">The limit, in bytes.</param>
    /// <param name="what">What was refused, e.g. "message on channel 'chat'".</param>
    public MessageTooLargeException(long size, long limit, string what)
        : base($"The {what} is {size} bytes; the limit is {limit} bytes.")
    {
        Size = size;
        Limit = limit;
        ErrorCode = "40009";
    }

    /// <summary>The size of the refused payload, in bytes.</summary>
    public long Size { get; init; }

    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long Limit { get; init; }
}
