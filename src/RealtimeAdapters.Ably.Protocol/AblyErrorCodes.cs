namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Ably error codes (protocol reference §6) with the HTTP status each travels with. Shared by the provider, which reads
/// them, and the emulator, which sends them.
/// </summary>
public static class AblyErrorCodes
{
    public const int BadRequest = 40000;
    public const int InvalidParameter = 40003;
    public const int InvalidCredentials = 40005;
    public const int MessageTooLarge = 40009;
    public const int InvalidChannelName = 40010;
    public const int InvalidClientId = 40012;
    public const int InvalidMessageData = 40013;
    public const int UnsupportedProtocolVersion = 40017;
    public const int InvalidClientMessageId = 40031;
    public const int TooManyMessages = 40034;
    public const int ForcedNack = 40099;

    public const int Unauthorized = 40100;
    public const int InvalidCredential = 40101;
    public const int IncompatibleCredentials = 40102;
    public const int BasicAuthOverNonTls = 40103;
    public const int TimestampOutOfWindow = 40104;
    public const int NonceReplayed = 40105;
    public const int NoAuthMethod = 40106;
    public const int ConnectionLimitExceeded = 40111;
    public const int MessageLimitExceeded = 40112;
    public const int ChannelLimitExceeded = 40114;
    public const int RequestLimitExceeded = 40115;

    public const int TokenNotAccepted = 40140;
    public const int TokenRevoked = 40141;
    public const int TokenExpired = 40142;
    public const int TokenUnrecognised = 40143;
    public const int InvalidJwt = 40144;
    public const int InvalidToken = 40145;
    public const int CapabilityDenied = 40160;
    public const int IdentifiedClientRequired = 40161;
    public const int BasicAuthRequired = 40162;
    public const int AuthCallbackFailed = 40170;
    public const int TokenRenewalNotConfigured = 40171;

    public const int Forbidden = 40300;
    public const int TlsRequired = 40311;
    public const int NotFound = 40400;

    public const int RateLimited = 42910;
    public const int ConnectionInboundRateExceeded = 42911;
    public const int ChannelInboundRateExceeded = 42913;
    public const int ConnectionRateLimitFatal = 42920;
    public const int ConnectionRateLimitFatal2 = 42921;
    public const int TooManyRequests = 42922;
    public const int ConnectionRateLimitFatal3 = 42924;

    public const int InternalError = 50000;
    public const int InternalChannelError = 50001;
    public const int InternalConnectionError = 50002;
    public const int ServerTimeout = 50003;

    public const int ConnectionFailed = 80000;
    public const int NoTransport = 80001;
    public const int ConnectionSuspended = 80002;
    public const int ConnectionDisconnected = 80003;
    public const int RecoveryFailed = 80008;
    public const int ProtocolError = 80013;
    public const int ConnectionTimedOut = 80014;
    public const int ConnectionReplaced = 80016;
    public const int ConnectionClosed = 80017;
    public const int InvalidConnectionKey = 80018;
    public const int TokenRequestFailed = 80019;
    public const int ReestablishedElsewhere = 80023;

    public const int InvalidChannelState = 90001;
    public const int ContinuityLost = 90003;
    public const int ChannelOperationTimedOut = 90007;
    public const int SubscribeModeNotEnabled = 90009;
    public const int TooManyChannels = 90010;
    public const int PresenceWithoutClientId = 91000;
    public const int PresenceWrongChannelState = 91001;
    public const int TooManyPresenceMembers = 91003;
    public const int PresenceReenterFailed = 91004;
    public const int PresenceOutOfSync = 91005;

    /// <summary>An invalid object, object id or object operation (LiveObjects).</summary>
    public const int InvalidObject = 92000;

    /// <summary>An object, or a channel's objects, would exceed the size limit (LiveObjects).</summary>
    public const int ObjectsLimitExceeded = 92001;

    /// <summary>An operation on a deleted (tombstoned) object (LiveObjects).</summary>
    public const int ObjectTombstoned = 92002;

    /// <summary>The object asked for does not exist (LiveObjects REST; status 404).</summary>
    public const int ObjectNotFound = 92004;

    /// <summary>An operation's path matched no object (LiveObjects REST).</summary>
    public const int PathMatchedNoObjects = 92005;

    /// <summary>An operation names neither an object id nor a path (LiveObjects REST).</summary>
    public const int ObjectIdOrPathRequired = 92006;

    /// <summary>A path the operation cannot use (LiveObjects REST), e.g. a wildcard for a create.</summary>
    public const int PathNotProcessable = 92007;

    /// <summary>A channel was attached without a mode an object operation needs (<c>object_subscribe</c> / <c>object_publish</c>).</summary>
    public const int ChannelModeMissing = 40024;

    /// <summary>The HTTP status Ably pairs with <paramref name="code"/>.</summary>
    public static int GetStatusCode(int code) => code switch
    {
        CapabilityDenied or IdentifiedClientRequired or BasicAuthRequired or AuthCallbackFailed => 401,
        TokenRenewalNotConfigured => 403,
        ObjectNotFound => 404,
        ServerTimeout => 504,
        ConnectionTimedOut or ChannelOperationTimedOut => 408,
        >= 40000 and < 60000 => code / 100,
        TokenRequestFailed => 401,
        _ => 400,
    };

    /// <summary>The documentation address of a code: <c>https://help.ably.io/error/&lt;code&gt;</c>.</summary>
    public static string GetHref(int code) => "https://help.ably.io/error/" + code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the code is a token error the client answers by renewing its token (40140–40149).</summary>
    public static bool IsTokenError(int code) => code is >= 40140 and < 40150;
}
