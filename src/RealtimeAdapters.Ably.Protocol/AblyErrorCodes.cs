namespace RealtimeAdapters.Ably.Protocol;

/// <summary>
/// Ably error codes (protocol reference §6) with the HTTP status each travels with. Shared by the provider, which reads
/// them, and the emulator, which sends them.
/// </summary>
public static class AblyErrorCodes
{
    /// <summary>Bad request: a malformed frame, body or parameter.</summary>
    public const int BadRequest = 40000;
    /// <summary>A request parameter has an invalid value.</summary>
    public const int InvalidParameter = 40003;
    /// <summary>The credentials are invalid (e.g. a malformed key).</summary>
    public const int InvalidCredentials = 40005;
    /// <summary>The message exceeds <c>maxMessageSize</c> (TM6).</summary>
    public const int MessageTooLarge = 40009;
    /// <summary>The channel name is invalid.</summary>
    public const int InvalidChannelName = 40010;
    /// <summary>The client id is invalid or does not match the credential's.</summary>
    public const int InvalidClientId = 40012;
    /// <summary>The message data cannot be read (e.g. a bad encoding).</summary>
    public const int InvalidMessageData = 40013;
    /// <summary>The protocol version the client asked for is not supported.</summary>
    public const int UnsupportedProtocolVersion = 40017;
    /// <summary>A client-supplied message id is invalid (idempotent publishing).</summary>
    public const int InvalidClientMessageId = 40031;
    /// <summary>Too many messages in one publish.</summary>
    public const int TooManyMessages = 40034;
    /// <summary>A NACK forced by a test fault.</summary>
    public const int ForcedNack = 40099;

    /// <summary>Unauthorized: no valid credential.</summary>
    public const int Unauthorized = 40100;
    /// <summary>The credential is not valid (e.g. an unknown key).</summary>
    public const int InvalidCredential = 40101;
    /// <summary>The credentials given do not go together (e.g. a client id the token does not allow).</summary>
    public const int IncompatibleCredentials = 40102;
    /// <summary>Basic (key) auth was attempted over a connection without TLS.</summary>
    public const int BasicAuthOverNonTls = 40103;
    /// <summary>The TokenRequest's timestamp is too far from the server's time.</summary>
    public const int TimestampOutOfWindow = 40104;
    /// <summary>The TokenRequest's nonce was used before.</summary>
    public const int NonceReplayed = 40105;
    /// <summary>No means of authentication was given.</summary>
    public const int NoAuthMethod = 40106;
    /// <summary>The account's connection limit is reached.</summary>
    public const int ConnectionLimitExceeded = 40111;
    /// <summary>The account's message limit is reached.</summary>
    public const int MessageLimitExceeded = 40112;
    /// <summary>The account's channel limit is reached.</summary>
    public const int ChannelLimitExceeded = 40114;
    /// <summary>The account's API request limit is reached.</summary>
    public const int RequestLimitExceeded = 40115;

    /// <summary>Token error: the token was not accepted.</summary>
    public const int TokenNotAccepted = 40140;
    /// <summary>Token error: the token was revoked.</summary>
    public const int TokenRevoked = 40141;
    /// <summary>Token error: the token expired; renew it (RTN14b, RTN15h).</summary>
    public const int TokenExpired = 40142;
    /// <summary>Token error: the token is not recognised.</summary>
    public const int TokenUnrecognised = 40143;
    /// <summary>Token error: the JWT is invalid (bad signature, claims or format).</summary>
    public const int InvalidJwt = 40144;
    /// <summary>Token error: the token is invalid.</summary>
    public const int InvalidToken = 40145;
    /// <summary>The operation is not permitted by the credential's capability.</summary>
    public const int CapabilityDenied = 40160;
    /// <summary>The operation needs a client id (e.g. entering presence).</summary>
    public const int IdentifiedClientRequired = 40161;
    /// <summary>The operation needs key (Basic) authentication.</summary>
    public const int BasicAuthRequired = 40162;
    /// <summary>The client's auth callback or auth URL failed.</summary>
    public const int AuthCallbackFailed = 40170;
    /// <summary>A token expired and the client has no means to renew it.</summary>
    public const int TokenRenewalNotConfigured = 40171;

    /// <summary>Forbidden.</summary>
    public const int Forbidden = 40300;
    /// <summary>The account requires TLS.</summary>
    public const int TlsRequired = 40311;
    /// <summary>Not found.</summary>
    public const int NotFound = 40400;

    /// <summary>Rate limited.</summary>
    public const int RateLimited = 42910;
    /// <summary>The connection publishes faster than <c>maxInboundRate</c>.</summary>
    public const int ConnectionInboundRateExceeded = 42911;
    /// <summary>The channel receives more messages per second than its limit.</summary>
    public const int ChannelInboundRateExceeded = 42913;
    /// <summary>The connection was closed for exceeding a rate limit.</summary>
    public const int ConnectionRateLimitFatal = 42920;
    /// <summary>The connection was closed for exceeding a rate limit (second variant).</summary>
    public const int ConnectionRateLimitFatal2 = 42921;
    /// <summary>Too many requests.</summary>
    public const int TooManyRequests = 42922;
    /// <summary>The connection was terminated for abuse: it sent protocol messages faster than allowed.</summary>
    public const int ConnectionRateLimitFatal3 = 42924;

    /// <summary>An internal error of the service.</summary>
    public const int InternalError = 50000;
    /// <summary>An internal error of a channel.</summary>
    public const int InternalChannelError = 50001;
    /// <summary>An internal error of a connection.</summary>
    public const int InternalConnectionError = 50002;
    /// <summary>The service timed out (status 504).</summary>
    public const int ServerTimeout = 50003;

    /// <summary>The connection failed.</summary>
    public const int ConnectionFailed = 80000;
    /// <summary>No transport could be opened.</summary>
    public const int NoTransport = 80001;
    /// <summary>The connection is suspended (disconnected longer than <c>connectionStateTtl</c>).</summary>
    public const int ConnectionSuspended = 80002;
    /// <summary>The connection is disconnected.</summary>
    public const int ConnectionDisconnected = 80003;
    /// <summary>The connection could not be recovered or resumed (e.g. an unknown connection key).</summary>
    public const int RecoveryFailed = 80008;
    /// <summary>The peer broke the protocol.</summary>
    public const int ProtocolError = 80013;
    /// <summary>The connection timed out.</summary>
    public const int ConnectionTimedOut = 80014;
    /// <summary>The connection was replaced by another with the same key.</summary>
    public const int ConnectionReplaced = 80016;
    /// <summary>The connection is closed.</summary>
    public const int ConnectionClosed = 80017;
    /// <summary>The connection key is invalid.</summary>
    public const int InvalidConnectionKey = 80018;
    /// <summary>Obtaining a token failed.</summary>
    public const int TokenRequestFailed = 80019;
    /// <summary>The connection was re-established elsewhere (a recover from another client).</summary>
    public const int ReestablishedElsewhere = 80023;

    /// <summary>The channel is in a state that does not allow the operation.</summary>
    public const int InvalidChannelState = 90001;
    /// <summary>The channel lost message continuity (e.g. a failed resume).</summary>
    public const int ContinuityLost = 90003;
    /// <summary>A channel operation (attach, detach) timed out.</summary>
    public const int ChannelOperationTimedOut = 90007;
    /// <summary>The channel was attached without the mode the operation needs.</summary>
    public const int SubscribeModeNotEnabled = 90009;
    /// <summary>The connection has too many channels attached.</summary>
    public const int TooManyChannels = 90010;
    /// <summary>Presence needs a client id.</summary>
    public const int PresenceWithoutClientId = 91000;
    /// <summary>Presence is not possible in the channel's state.</summary>
    public const int PresenceWrongChannelState = 91001;
    /// <summary>The channel has reached its presence member limit.</summary>
    public const int TooManyPresenceMembers = 91003;
    /// <summary>Automatic re-entry into presence failed (RTP17e).</summary>
    public const int PresenceReenterFailed = 91004;
    /// <summary>The presence set is out of sync.</summary>
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
