namespace RealtimeAdapters.Collaboration;

/// <summary>
/// An operation or snapshot from another replica was refused; the document's state is unchanged by it. The message names
/// the offending field; <see cref="RealtimeValidationException.InvalidValue"/> holds it too.
/// </summary>
public sealed class OperationRejectedException : CollaborationException
{
    /// <summary>Creates the exception with a default message.</summary>
    public OperationRejectedException()
        : this("The operation was rejected.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public OperationRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public OperationRejectedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its reason and the offending field.</summary>
    /// <param name="reason">Why it was refused.</param>
    /// <param name="message">What is wrong.</param>
    /// <param name="field">The offending field, when there is one.</param>
    public OperationRejectedException(RejectionReason reason, string message, string? field = null)
        : base(message)
    {
        Reason = reason;
        Field = field;
    }

    /// <summary>Why it was refused.</summary>
    public RejectionReason Reason { get; }

    /// <summary>The offending field (<c>v</c>, <c>id</c>, <c>a</c>, a cell key...), when there is one.</summary>
    public string? Field { get; }
}
