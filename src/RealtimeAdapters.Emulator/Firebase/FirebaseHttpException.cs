namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// Ends a request with a Firebase error response (<c>{"error" : "…"}</c> and a status), or, for 412, with the current value
/// and its ETag. Thrown inside the front end only; never reaches callers of the public API.
/// </summary>
internal sealed class FirebaseHttpException : Exception
{
    public FirebaseHttpException()
    {
    }

    public FirebaseHttpException(string message)
        : base(message)
    {
    }

    public FirebaseHttpException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public FirebaseHttpException(int statusCode, string message)
        : base(message) => StatusCode = statusCode;

    public int StatusCode { get; init; } = 400;

    /// <summary>For 412: the current value to send instead of an error body.</summary>
    public DataNode? CurrentValue { get; init; }

    /// <summary>For 412: the ETag of <see cref="CurrentValue"/>.</summary>
    public string? ETag { get; init; }

    public static FirebaseHttpException BadRequest(string message) => new(400, message);

    public static FirebaseHttpException PermissionDenied() => new(401, FirebaseMessages.PermissionDenied);
}
