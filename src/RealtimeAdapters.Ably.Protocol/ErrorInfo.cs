namespace RealtimeAdapters.Ably.Protocol;

/// <summary>An Ably ErrorInfo (TI1): in ERROR, NACK, DISCONNECTED, ATTACHED and DETACHED messages and REST error bodies.</summary>
public sealed record ErrorInfo
{
    /// <summary>The Ably error code (see <see cref="AblyErrorCodes"/>).</summary>
    public int Code { get; set; }

    /// <summary>The HTTP status that goes with the code.</summary>
    public int StatusCode { get; set; }

    /// <summary>A human-readable description.</summary>
    public string? Message { get; set; }

    /// <summary>The documentation address of the code.</summary>
    public string? Href { get; set; }

    /// <summary>The error that caused this one, if any.</summary>
    public ErrorInfo? Cause { get; set; }

    /// <summary>Extra string-valued details (TI6).</summary>
    public IReadOnlyDictionary<string, string>? Detail { get; set; }

    /// <summary>An error with the status code and help address of <paramref name="code"/>.</summary>
    public static ErrorInfo Create(int code, string message, ErrorInfo? cause = null) => new()
    {
        Code = code,
        StatusCode = AblyErrorCodes.GetStatusCode(code),
        Message = message,
        Href = AblyErrorCodes.GetHref(code),
        Cause = cause,
    };

    /// <summary>
    /// The exception of the RealtimeAdapters family that fits this error: authentication for 401xx and token errors,
    /// permission for 40160/403xx, <see cref="MessageTooLargeException"/> for 40009, validation for other 400xx, connection
    /// failures otherwise (retryable for 5xx, 429xx and connection-state codes).
    /// </summary>
    public RealtimeException ToException(string? context = null)
    {
        var text = string.IsNullOrEmpty(context) ? Describe() : context + ": " + Describe();
        var code = Code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        int? status = StatusCode == 0 ? null : StatusCode;
        return Code switch
        {
            AblyErrorCodes.MessageTooLarge => new MessageTooLargeException(text) { ErrorCode = code, StatusCode = status, ProviderName = "Ably" },
            AblyErrorCodes.CapabilityDenied or AblyErrorCodes.IdentifiedClientRequired or (>= 40300 and < 40400) =>
                new RealtimePermissionException(text) { ErrorCode = code, StatusCode = status, ProviderName = "Ably" },
            AblyErrorCodes.InvalidCredentials or (>= 40100 and < 40200) =>
                new RealtimeAuthenticationException(text) { ErrorCode = code, StatusCode = status, ProviderName = "Ably", IsRetryable = AblyErrorCodes.IsTokenError(Code) },
            (>= 40000 and < 40100) or AblyErrorCodes.PresenceWithoutClientId or AblyErrorCodes.NotFound or (>= AblyErrorCodes.InvalidObject and < 92100) =>
                new RealtimeValidationException(text) { ErrorCode = code, StatusCode = status, ProviderName = "Ably" },
            _ => new RealtimeConnectionException(text)
            {
                ErrorCode = code,
                StatusCode = status,
                ProviderName = "Ably",
                IsRetryable = Code is (>= 42900 and < 43000) or (>= 50000 and < 60000) or AblyErrorCodes.ConnectionDisconnected
                    or AblyErrorCodes.ConnectionSuspended or AblyErrorCodes.ConnectionTimedOut or AblyErrorCodes.ChannelOperationTimedOut,
            },
        };
    }

    /// <summary>"message (code 40160, status 401)".</summary>
    public string Describe() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"{(string.IsNullOrEmpty(Message) ? "Ably error" : Message)} (code {Code}, status {StatusCode})");

    /// <summary><see cref="Describe"/>.</summary>
    public override string ToString() => Describe();
}
