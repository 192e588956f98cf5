namespace RealtimeAdapters;

/// <summary>A subscriber fell further behind than its buffer allows under <see cref="BufferOverflowPolicy.Fail"/>; the subscription has ended so that the loss is never silent.</summary>
public class SubscriptionOverflowException : RealtimeException
{
    /// <summary>Creates the exception with a default message.</summary>
    public SubscriptionOverflowException()
        : this("The subscriber fell behind and its buffer overflowed.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong.</param>
    public SubscriptionOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SubscriptionOverflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
