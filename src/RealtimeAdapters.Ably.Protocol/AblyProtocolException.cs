namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// A frame or body that cannot be read (bad JSON or msgpack, wrong field types, truncated input), or a protocol rule
/// broken by the peer. Carries the <see cref="ErrorInfo"/> to send back or report; never holds secrets.
/// </summary>
public sealed class AblyProtocolException : RealtimeException
{
    /// <summary>A 40000 error: malformed protocol message.</summary>
    public AblyProtocolException()
        : this(ErrorInfo.Create(AblyErrorCodes.BadRequest, "Malformed protocol message."))
    {
    }

    /// <summary>A 40000 error with <paramref name="message"/>.</summary>
    public AblyProtocolException(string message)
        : this(ErrorInfo.Create(AblyErrorCodes.BadRequest, message))
    {
    }

    /// <summary>A 40000 error with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public AblyProtocolException(string message, Exception? innerException)
        : this(ErrorInfo.Create(AblyErrorCodes.BadRequest, message), innerException)
    {
    }

    /// <summary>An error carrying <paramref name="error"/> (its code, status and message).</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027:API with optional parameter(s) should have the most parameters amongst its public overloads", Justification = "The string overloads are the standard exception constructors; this one takes an ErrorInfo instead.")]
    public AblyProtocolException(ErrorInfo error, Exception? innerException = null)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message ?? "Malformed protocol message.", innerException)
    {
        Error = error;
        ErrorCode = error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        StatusCode = error.StatusCode;
        ProviderName = "Ably";
    }

    /// <summary>The ErrorInfo (TI1) to send back to the peer or to report.</summary>
    public ErrorInfo Error { get; }

    /// <summary>A 40000 error naming what is malformed.</summary>
    public static AblyProtocolException Malformed(string message, Exception? inner = null) =>
        new(ErrorInfo.Create(AblyErrorCodes.BadRequest, message), inner);
}
