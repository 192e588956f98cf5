namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// Refuses one realtime request with a protocol status (<c>permission_denied</c>, <c>datastale</c>, …) and a reason
/// that never quotes a credential. Thrown inside the WebSocket front end only; the connection goes on.
/// </summary>
internal sealed class RealtimeRequestException : Exception
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidData = "invalid_data";
    public const string PermissionDenied = "permission_denied";
    public const string DataStale = "datastale";
    public const string InvalidToken = "invalid_token";
    public const string ExpiredToken = "expired_token";

    public RealtimeRequestException()
    {
    }

    public RealtimeRequestException(string message)
        : base(message)
    {
    }

    public RealtimeRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public RealtimeRequestException(string status, string message)
        : base(message) => Status = status;

    /// <summary>The <c>s</c> of the answer.</summary>
    public string Status { get; } = InvalidRequest;

    /// <summary>The realtime answer to a refusal of the shared write and read code (which speaks HTTP statuses).</summary>
    public static RealtimeRequestException From(FirebaseHttpException refusal) => refusal.StatusCode switch
    {
        401 => new(PermissionDenied, refusal.Message),
        412 => new(DataStale, "Transaction hash does not match"),
        _ => new(InvalidData, refusal.Message),
    };
}
