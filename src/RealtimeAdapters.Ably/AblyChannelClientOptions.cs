using System.ComponentModel.DataAnnotations;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably;

/// <summary>
/// Options of an <see cref="AblyChannelClient"/>: the endpoint, the credentials, the wire format and the timers. Bound from
/// the <c>Realtime:Ably</c> configuration section by <c>AddAblyChannels</c> and checked when the client is created (and at
/// host start).
/// </summary>
/// <remarks>
/// <para>Credentials, at least one of: <see cref="Key"/> (Basic auth, or signed TokenRequests with <see cref="UseTokenAuth"/>),
/// <see cref="Token"/> (a fixed token or Ably JWT), <see cref="AuthCallback"/> or <see cref="AuthUrl"/> (tokens from the application). Token auth is
/// used whenever <see cref="Token"/> or <see cref="AuthCallback"/> is set or <see cref="UseTokenAuth"/> is on; a token is then
/// renewed through <see cref="AuthCallback"/> when set, otherwise by signing a TokenRequest with <see cref="Key"/>, and cannot
/// be renewed when neither is set.</para>
/// </remarks>
public sealed class AblyChannelClientOptions : IValidatableObject
{
    /// <summary>The configuration section below <c>Realtime</c> (or <c>Realtime:&lt;key&gt;</c>): <c>Ably</c>.</summary>
    public const string ConfigurationSection = "Ably";

    /// <summary>
    /// The API key, <c>appId.keyId:secret</c>. Without token auth it is sent as Basic credentials, so only over TLS or to a
    /// loopback host; with <see cref="UseTokenAuth"/> it only signs TokenRequests and its secret never goes on the wire.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>
    /// A fixed Ably token or Ably JWT to authenticate with. It cannot be renewed unless <see cref="AuthCallback"/> or
    /// <see cref="Key"/> is set too, so the connection fails with error 40171 once it expires.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// Obtains a token when the client connects and whenever its token must be renewed (it expired or the server refused it):
    /// return <see cref="AblyAuthResult.FromToken"/> (a token or JWT from your backend),
    /// <see cref="AblyAuthResult.FromTokenDetailsJson"/> (a TokenDetails your backend obtained) or
    /// <see cref="AblyAuthResult.FromTokenRequestJson"/> (a TokenRequest your backend signed). It receives the
    /// <see cref="TokenParams"/> (with <see cref="ClientId"/> as the default client id) and is given
    /// <see cref="RealtimeRequestTimeout"/> to answer; a failure or timeout is reported as error 40170.
    /// </summary>
    public Func<AblyTokenParams, CancellationToken, ValueTask<AblyAuthResult>>? AuthCallback { get; set; }

    /// <summary>
    /// A URL of your backend that issues tokens (RSA8c), used when <see cref="AuthCallback"/> is not set: the client calls it
    /// when it connects and whenever its token must be renewed, with <see cref="AuthParams"/> and the token parameters
    /// (<c>ttl</c> in ms, <c>capability</c>, <c>clientId</c>, which take precedence) in the query (GET) or as a form body
    /// (POST), and <see cref="AuthHeaders"/>. The answer is a token or JWT (<c>text/plain</c>, <c>application/jwt</c>), or a
    /// TokenDetails or signed TokenRequest (<c>application/json</c>). A failure is reported as error 40170 (a 403 answer
    /// fails the connection; others are retried).
    /// </summary>
    public Uri? AuthUrl { get; set; }

    /// <summary>The HTTP method for <see cref="AuthUrl"/>: <c>GET</c> (the default) or <c>POST</c>.</summary>
    public string AuthMethod { get; set; } = "GET";

    /// <summary>Headers sent to <see cref="AuthUrl"/> (for example your backend's own session credential).</summary>
    public IDictionary<string, string> AuthHeaders { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parameters sent to <see cref="AuthUrl"/>, in the query (GET) or the form body (POST).</summary>
    public IDictionary<string, string> AuthParams { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether to authenticate with tokens although <see cref="Key"/> is set: the client signs TokenRequests with the key
    /// and exchanges them at <c>POST /keys/{keyName}/requestToken</c>, renewing the token itself when it expires.
    /// </summary>
    public bool UseTokenAuth { get; set; }

    /// <summary>Defaults for the tokens the client requests (lifetime, capability, client id), or <see langword="null"/> for the server's defaults.</summary>
    public AblyTokenParams? TokenParams { get; set; }

    /// <summary>
    /// A recovery key from <see cref="AblyChannelClient.CreateRecoveryKey"/> of an earlier client instance (for example
    /// before a process restart), within the server's connectionStateTtl (2 minutes): the first connection takes over that
    /// connection (RTN16) — same connection id, its msgSerial continued — and channels attached again resume from their
    /// serials, so messages sent meanwhile are delivered. If the server cannot recover it, the client starts a new
    /// connection and reports the continuity loss like a failed resume.
    /// </summary>
    public string? RecoveryKey { get; set; }

    /// <summary>
    /// End-to-end encryption keys by channel name: AES keys of 128 or 256 bits, base64. Message and presence data on those
    /// channels is encrypted before it leaves the client (Ably's <c>cipher+aes-128-cbc</c> / <c>cipher+aes-256-cbc</c>
    /// encoding, readable by the official SDKs given the same key) and decrypted on receipt and in history; the service and
    /// clients without the key see only ciphertext. Keys are secrets: they never appear in messages or logs.
    /// </summary>
    public IDictionary<string, string> ChannelCipherKeys { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Endpoints to try, in random order, when the endpoint cannot be reached while connecting (RTN17): a refused or failed
    /// WebSocket, a 5xx, no CONNECTED in time. Empty (the default): the hosted service's fallback hosts
    /// (<c>main.[a-e].fallback.ably-realtime.com</c>) when <see cref="Endpoint"/> is <see cref="DefaultEndpoint"/>, none
    /// for any other endpoint. The fallbacks are tried within one connection attempt, before backing off; a connection
    /// made through a fallback resumes through it.
    /// </summary>
    public IList<Uri> FallbackEndpoints { get; set; } = [];

    /// <summary>
    /// The handler for every HTTP request of the client — REST calls (history, token requests, <see cref="AuthUrl"/>) and the
    /// realtime WebSocket's upgrade request — for example one with a proxy or custom certificates; it must be able to open a
    /// WebSocket (a <see cref="SocketsHttpHandler"/>, or delegating handlers ending in one). Not disposed by the client.
    /// <see langword="null"/>: the handler of the <see cref="HttpClientName"/> client when the client is registered through
    /// DI in a container with <c>IHttpClientFactory</c> (<c>services.AddHttpClient(AblyChannelClientOptions.HttpClientName)</c>),
    /// otherwise a handler of the client's own.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>The name of the <c>IHttpClientFactory</c> client whose handler DI-registered Ably clients use: <c>RealtimeAdapters.Ably</c>.</summary>
    public const string HttpClientName = "RealtimeAdapters.Ably";

    /// <summary>Set by the DI registration from <c>IHttpMessageHandlerFactory</c>; asked once, when the client is created.</summary>
    internal Func<HttpMessageHandler>? HttpMessageHandlerFactory { get; set; }

    /// <summary>The client identity this client publishes as, or <see langword="null"/> for an anonymous client.</summary>
    public string? ClientId { get; set; }

    /// <summary>The hosted service's primary endpoint (REC1), for REST and the realtime WebSocket: <c>https://main.realtime.ably.net/</c>.</summary>
    public static readonly Uri DefaultEndpoint = new("https://main.realtime.ably.net/");

    /// <summary>
    /// The service endpoint (http, https, ws or wss): <see cref="DefaultEndpoint"/> (the hosted service) unless set, for
    /// example to the emulator's <c>AblyUrl</c>. REST calls use its http(s) form and the realtime connection its ws(s) form.
    /// </summary>
    public Uri? Endpoint { get; set; } = DefaultEndpoint;

    /// <summary>Whether the wire format is msgpack (binary) instead of JSON.</summary>
    public bool UseBinaryProtocol { get; set; }

    /// <summary>Whether messages this connection publishes are delivered back to its own subscribers.</summary>
    public bool EchoMessages { get; set; } = true;

    /// <summary>The clock for every timeout and for token expiry.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How long connecting, attaching, publishing, closing and an <see cref="AuthCallback"/> may wait.</summary>
    public TimeSpan RealtimeRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a REST request (history, token request) may take.</summary>
    public TimeSpan HttpRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether publishes and presence changes made while connecting or disconnected wait for the connection (sent, in
    /// order, once it is back) instead of failing at once. They fail when the connection becomes suspended, closed or failed.
    /// </summary>
    public bool QueueMessages { get; set; } = true;

    /// <summary>The base delay before retrying a disconnected connection (RTB1: grows to twice this, with jitter).</summary>
    public TimeSpan DisconnectedRetryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The delay between connection attempts while suspended.</summary>
    public TimeSpan SuspendedRetryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The base delay before re-attaching a channel whose attach timed out or that the server detached.</summary>
    public TimeSpan ChannelRetryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The channel whose LiveObjects hold the JSON tree of an <see cref="AblyRealtimeStore"/>: <c>store</c> unless set. Each
    /// channel is an independent tree that every store on it holds whole. The key's capability needs <c>object-subscribe</c>
    /// (and <c>object-publish</c> to write) on it.
    /// </summary>
    public string StoreChannel { get; set; } = "store";

    /// <summary>Whether the client authenticates with tokens rather than sending <see cref="Key"/> as Basic credentials.</summary>
    internal bool UsesTokenAuth => UseTokenAuth || Token is not null || AuthCallback is not null || AuthUrl is not null;

    /// <summary>
    /// Throws naming the first invalid option: <see cref="RealtimeAuthenticationException"/> (code 40005) when no credential
    /// is set or one is malformed, otherwise <see cref="RealtimeValidationException"/>. Messages never contain a secret.
    /// </summary>
    public void Validate()
    {
        foreach (var problem in FindProblems())
        {
            var message = "Invalid Ably options: " + problem.Message;
            var code = problem.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (problem.IsCredential)
            {
                throw new RealtimeAuthenticationException(message) { ErrorCode = code, StatusCode = 400, ProviderName = "Ably" };
            }

            throw new RealtimeValidationException(message, problem.Member.Replace(':', '.')) { ErrorCode = code, ProviderName = "Ably" };
        }
    }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        FindProblems().Select(static p => new ValidationResult(p.Message, [p.Member]));

    private IEnumerable<Problem> FindProblems()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            yield return new(nameof(Endpoint), "Endpoint must be an absolute http, https, ws or wss URI.");
        }

        if (Key is null && Token is null && AuthCallback is null && AuthUrl is null)
        {
            yield return new(nameof(Key), "no credentials: set Key, Token, AuthCallback or AuthUrl.", AblyErrorCodes.InvalidCredentials, IsCredential: true);
        }

        if (ChannelNames.GetProblem(StoreChannel) is { } channelProblem)
        {
            yield return new(nameof(StoreChannel), "StoreChannel is not a valid channel name: " + channelProblem);
        }

        if (AuthUrl is { } authUrl && (!authUrl.IsAbsoluteUri || authUrl.Scheme is not ("http" or "https")))
        {
            yield return new(nameof(AuthUrl), "AuthUrl must be an absolute http or https URI.");
        }

        foreach (var fallback in FallbackEndpoints ?? [])
        {
            if (fallback is null || !fallback.IsAbsoluteUri || fallback.Scheme is not ("http" or "https" or "ws" or "wss"))
            {
                yield return new(nameof(FallbackEndpoints), "FallbackEndpoints must hold absolute http, https, ws or wss URIs.");
                break;
            }
        }

        if (AuthMethod is not ("GET" or "POST"))
        {
            yield return new(nameof(AuthMethod), "AuthMethod must be GET or POST.");
        }

        if (AuthHeaders is null || AuthParams is null)
        {
            yield return new(AuthHeaders is null ? nameof(AuthHeaders) : nameof(AuthParams), "AuthHeaders and AuthParams must not be null.");
        }

        if (Key is not null && CheckKey(Key) is { } keyProblem)
        {
            yield return new(nameof(Key), keyProblem, AblyErrorCodes.InvalidCredentials, IsCredential: true);
        }

        if (Token is not null && !AblyTokenInspector.IsWellFormed(Token))
        {
            yield return new(
                nameof(Token),
                "Token must be a non-empty string without white space or control characters, at most 16 KiB long.",
                AblyErrorCodes.InvalidCredentials,
                IsCredential: true);
        }

        if (Key is not null && !UsesTokenAuth && Endpoint is { IsAbsoluteUri: true } endpoint && endpoint.Scheme is "http" or "ws" && !endpoint.IsLoopback)
        {
            yield return new(
                nameof(Key),
                "an API key is only sent (Basic auth) over TLS (https/wss) or to a loopback host; use https/wss or token auth (UseTokenAuth).",
                AblyErrorCodes.BasicAuthOverNonTls);
        }

        if (RecoveryKey is not null && Realtime.AblyRecoveryKey.TryParse(RecoveryKey, out var recoveryProblem) is null)
        {
            yield return new(nameof(RecoveryKey), "RecoveryKey is not a recovery key from CreateRecoveryKey: " + recoveryProblem);
        }

        foreach (var (channel, key) in ChannelCipherKeys ?? new Dictionary<string, string>())
        {
            if (!TryParseCipherKey(key, out _))
            {
                // The channel is named; the key is not.
                yield return new("ChannelCipherKeys:" + channel, $"the cipher key of channel \"{channel}\" must be base64 of 16 or 32 bytes (AES-128 or AES-256).");
            }
        }

        if (ClientId is "*" or "")
        {
            yield return new(nameof(ClientId), "ClientId must not be empty or the wildcard '*'.", AblyErrorCodes.InvalidClientId);
        }

        if (TokenParams is { } tokenParams)
        {
            foreach (var problem in CheckTokenParams(tokenParams))
            {
                yield return problem;
            }
        }

        foreach (var (name, value) in new (string, TimeSpan)[] {
                     
                     (nameof(RealtimeRequestTimeout), RealtimeRequestTimeout), (nameof(HttpRequestTimeout), HttpRequestTimeout),
                     (nameof(DisconnectedRetryTimeout), DisconnectedRetryTimeout), (nameof(SuspendedRetryTimeout), SuspendedRetryTimeout),
                     (nameof(ChannelRetryTimeout), ChannelRetryTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new(name, name + " must be positive (timeouts must be positive).");
            }
        }

        if (TimeProvider is null)
        {
            yield return new(nameof(TimeProvider), "TimeProvider must not be null.");
        }
    }

    private IEnumerable<Problem> CheckTokenParams(AblyTokenParams tokenParams)
    {
        if (tokenParams.Ttl is { } ttl && (ttl <= TimeSpan.Zero || ttl.TotalMilliseconds > long.MaxValue / 2))
        {
            yield return new("TokenParams:Ttl", "TokenParams.Ttl must be positive.");
        }

        if (tokenParams.Capability is { } capability && CheckCapability(capability) is { } capabilityProblem)
        {
            yield return new("TokenParams:Capability", "TokenParams.Capability " + capabilityProblem);
        }

        if (tokenParams.ClientId is "")
        {
            yield return new("TokenParams:ClientId", "TokenParams.ClientId must not be empty.", AblyErrorCodes.InvalidClientId);
        }
        else if (tokenParams.ClientId is { } tokenClientId && tokenClientId != "*" && ClientId is not null && ClientId != tokenClientId)
        {
            yield return new(
                "TokenParams:ClientId",
                "TokenParams.ClientId differs from ClientId; a token for one client id cannot be used as another.",
                AblyErrorCodes.IncompatibleCredentials);
        }
    }

    private static string? CheckKey(string key)
    {
        try
        {
            AblyApiKey.Parse(key);
            return null;
        }
        catch (RealtimeAuthenticationException ex)
        {
            return ex.Message;
        }
    }

    private static string? CheckCapability(string capability)
    {
        try
        {
            return AblyCapability.Parse(capability).IsEmpty ? "grants nothing; leave it unset for the key's full capability." : null;
        }
        catch (AblyProtocolException ex)
        {
            return "is not a valid capability: " + ex.Error.Message;
        }
    }

    private readonly record struct Problem(string Member, string Message, int? Code = null, bool IsCredential = false);

    /// <summary>The fallbacks in effect: <see cref="FallbackEndpoints"/>, or the hosted service's for the default endpoint.</summary>
    internal IReadOnlyList<Uri> EffectiveFallbacks() =>
        FallbackEndpoints is { Count: > 0 } configured ? [.. configured]
        : Endpoint == DefaultEndpoint ? [.. "abcde".Select(static c => new Uri($"https://main.{c}.fallback.ably-realtime.com/"))]
        : [];

    /// <summary>Decodes a base64 AES key of 16 or 32 bytes.</summary>
    internal static bool TryParseCipherKey(string? base64, out byte[] key)
    {
        key = [];
        if (string.IsNullOrEmpty(base64))
        {
            return false;
        }

        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written) || written is not (16 or 32))
        {
            return false;
        }

        key = buffer[..written];
        return true;
    }

}
