namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>Error texts as the service words them, where its wording is known, so that clients matching them keep working.</summary>
internal static class FirebaseMessages
{
    public const string PermissionDenied = "Permission denied";
    public const string ExpiredToken = "Auth token is expired";
    public const string UnparseableToken = "Could not parse auth token.";
    public const string InvalidData = "Invalid data; couldn't parse JSON object, array, or value.";
    public const string NoData = "No data supplied.";
    public const string OrderByRequired = "orderBy must be defined when other query parameters are defined";
    public const string OrderByInvalid = "orderBy must be a valid JSON encoded path";
    public const string ConstraintNotPrimitive = "Constraint index field must be a JSON primitive";
    public const string ConstraintKeyInvalid = "Constraint key field must be a valid key name";
    public const string CredentialRevoked = "credential is no longer valid";

    public static string PayloadTooLarge(long limit) =>
        $"Payload is too large: the request body exceeds the limit of {limit} bytes.";

    public static string TooManyConnections(string ns, int limit) =>
        $"The Firebase database '{ns}' has reached its peak connections limit for this client address: at most {limit} realtime connections and streams open at once.";

    public static string WriteTooBig(string limit, double seconds, int target) =>
        $"Write too big: its estimated duration ({seconds:0.##} s) exceeds the writeSizeLimit {limit} target of {target} s; write less at once or use a larger writeSizeLimit.";

    public static string ReadTimedOut(TimeSpan timeout, double seconds) =>
        $"Read timed out: its estimated duration ({seconds:0.###} s) exceeds the timeout of {timeout.TotalMilliseconds:0} ms.";

    public static string IndexNotDefined(string index, RealtimePath path) =>
        $"Index not defined, add \".indexOn\": \"{index}\", for path \"{path}\", to the rules";
}
