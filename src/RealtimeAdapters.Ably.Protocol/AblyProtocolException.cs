namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// A frame or body that cannot be read (bad JSON or msgpack, wrong field types, truncated input), or a protocol rule
/// broken by the peer. Carries the <see cref="ErrorInfo"/> to send back or report; never holds secrets.
/// </summary>
public sealed class AblyProtocolException : RealtimeException
{
    public AblyProtocolException()
        : this(ErrorInfo.Create(AblyErrorCodes.BadRequest, "Malformed protocol message."))
    {
    }

    public AblyProtocolException(string message)
        : this(ErrorInfo.Create(AblyErrorCodes.BadRequest, message))
    {
    }

    public AblyProtocolException(string message, Exception? innerException)
        : this(ErrorInfo.Create(AblyErrorCodes.BadRequest, message), innerException)
    {
    }

    public AblyProtocolException(ErrorInfo error, Exception? innerException = null)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message ?? "Malformed protocol message.", innerException)
    {
        Error = error;
        ErrorCode = error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        StatusCode = error.StatusCode;
        ProviderName = "Ably";
    }

    public ErrorInfo Error { get; }

    /// <summary>A 40000 error naming what is malformed.</summary>
    public static AblyProtocolException Malformed(string message, Exception? inner = null) =>
        new(ErrorInfo.Create(AblyErrorCodes.BadRequest, message), inner);
}
