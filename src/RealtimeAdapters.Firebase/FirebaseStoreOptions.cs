using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text.Json;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// Settings of a <see cref="FirebaseRealtimeStore"/>: the database, the credential, the HTTP transport and the reconnect
/// policy. Bound from the <c>Realtime:Firebase</c> configuration section by <c>AddFirebaseStore</c>; checked when the
/// store is created (and at host start).
/// </summary>
public sealed class FirebaseStoreOptions : IValidatableObject
{
    /// <summary>The configuration section below <c>Realtime</c>: <c>Firebase</c>.</summary>
    public const string ConfigurationSection = "Firebase";

    /// <summary>The database URL, e.g. <c>https://my-db.firebaseio.com/</c> or the emulator's <c>http://127.0.0.1:9000/</c>. HTTPS is required except on loopback.</summary>
    public Uri? DatabaseUrl { get; set; }

    /// <summary>The emulator's database namespace (the <c>ns</c> query parameter), or <see langword="null"/>.</summary>
    public string? Namespace { get; set; }

    /// <summary>A Firebase ID token, sent as <c>auth=</c>. Rules apply.</summary>
    public string? IdToken { get; set; }

    /// <summary>A legacy database secret, sent as <c>auth=</c>.</summary>
    public string? DatabaseSecret { get; set; }

    /// <summary>A Google OAuth2 access token, sent as <c>Authorization: Bearer</c>.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Supplies an ID token (sent as <c>auth=</c>); asked before every request and stream connection, and asked again after a
    /// 401 or <c>auth_revoked</c>, so it should cache its token and refresh it when asked after a refusal.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; set; }

    /// <summary>
    /// Supplies a Google OAuth2 access token (a service account's, as the Admin SDKs use), sent as
    /// <c>Authorization: Bearer</c> over REST and with <c>gauth</c> over the realtime socket: the refreshable form of
    /// <see cref="AccessToken"/>. Asked before every request and connection, and again after a refusal, so it should cache
    /// its token and refresh it before it expires.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>Authenticates as the emulator's administrator (<c>Authorization: Bearer owner</c>). Emulator only.</summary>
    public bool UseEmulatorAdmin { get; set; }

    /// <summary>
    /// A local emulator (<c>host:port</c>, plain http) that receives everything instead of <see cref="DatabaseUrl"/>'s
    /// host, its namespace taken from the URL's first label: the Admin SDKs' convention. When left unset, the
    /// <c>FIREBASE_DATABASE_EMULATOR_HOST</c> environment variable stands in for it, but only for a store that sends no
    /// production credential (<see cref="UseEmulatorAdmin"/>, or none): an ID token, secret or access token is never sent
    /// in clear to a host that only an environment variable named. Set this to send a credential there deliberately.
    /// </summary>
    public string? EmulatorHost { get; set; }

    /// <summary>
    /// How the store talks to the database: <see cref="FirebaseTransport.Realtime"/> (one WebSocket, the default) or
    /// <see cref="FirebaseTransport.RestStreaming"/> (REST and Server-Sent Events, for networks that block WebSockets).
    /// </summary>
    public FirebaseTransport Transport { get; set; } = FirebaseTransport.Realtime;

    /// <summary>An HTTP client to use (its <see cref="HttpClient.Timeout"/> should be infinite: streams never time out, REST calls use <see cref="RequestTimeout"/>). Not disposed by the store.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>An HTTP handler to build the client on (when <see cref="HttpClient"/> is not set). Not disposed by the store.</summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>
    /// Adjusts the handler the realtime transport opens its WebSocket with, before each connection: a proxy, client
    /// certificates, the validation of the server's certificate (<see cref="System.Net.Http.SocketsHttpHandler.SslOptions"/>), and
    /// so on. REST requests use <see cref="HttpClient"/> or <see cref="HttpMessageHandler"/> instead. The handler follows
    /// no redirect, keeps no cookie and pools no connection; a <see cref="System.Net.Http.SocketsHttpHandler.ConnectCallback"/> set
    /// here still opens the connection, and the store gathers the socket's writes over the stream it returns.
    /// </summary>
    public Action<System.Net.Http.SocketsHttpHandler>? ConfigureRealtimeHandler { get; set; }

    /// <summary>
    /// The server-side write size limit sent with every write (<c>writeSizeLimit</c>): <c>tiny</c>, <c>small</c>,
    /// <c>medium</c>, <c>large</c> or <c>unlimited</c>; the database's default when not set.
    /// </summary>
    public string? WriteSizeLimit { get; set; }

    /// <summary>The server-side limit of a read (<c>timeout</c>, at most 15 minutes); the database's default when not set.</summary>
    public TimeSpan? ServerReadTimeout { get; set; }

    /// <summary>The timeout of one REST request (each retry gets its own). 30 seconds by default.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many times an idempotent request is retried after a 503 or a network error. 3 by default.</summary>
    [Range(0, 100)]
    public int MaxRequestRetries { get; set; } = 3;

    /// <summary>
    /// Whether writes wait out a lost connection: writes are then sent one at a time in the order they were issued, and a
    /// write that fails with a retryable connection error (503, network) is retried with backoff until it is sent or its
    /// cancellation token fires, keeping later writes behind it (<see cref="FirebaseRealtimeStore.PendingWriteCount"/>).
    /// Writes with an increment are never resent (not idempotent). Off by default.
    /// </summary>
    public bool QueueWritesWhileOffline { get; set; }

    /// <summary>
    /// Whether watches of this store see its own writes at once (latency compensation). A <c>SetAsync</c>,
    /// <c>PushAsync</c>, <c>UpdateAsync</c>, <c>SetPriorityAsync</c> or committing transaction attempt is laid over the
    /// value of every open watch it touches before it is sent, and the resulting events carry
    /// <see cref="StoreEvent.IsPending"/> = <see langword="true"/>. When the database accepts the write and its change
    /// arrives on the stream, nothing more is reported if the view did not change (the pending events stand); if the
    /// database refuses it (rules, validation, a transaction that aborts or keeps conflicting, or the call fails or is
    /// cancelled) the write is taken out again and the watches get the rollback events with
    /// <see cref="StoreEvent.IsPending"/> = <see langword="false"/>, while the call throws its usual typed error.
    /// <para>
    /// Server values are estimated: a timestamp is the store's <see cref="TimeProvider"/> at the time of the write (keep
    /// it the system clock, or the emulator's clock in tests), an increment is added to the value the view holds. Such a
    /// write is sent without <c>print=silent</c> so that the database's results replace the estimates; the watches then
    /// report the change to the server's value (not pending). Between the write's echo and its acknowledgement a change
    /// at the same place that matches the write everywhere except the server values is taken as the echo (another
    /// client's write of the same shape can be mistaken for it until the real echo arrives). A server value used as a
    /// priority is not compensated (its result is not reported back).
    /// </para>
    /// <para>
    /// A transaction lays each attempt's value (replacing the previous attempt's after a conflict) and takes it out when
    /// it aborts or fails. Watches of queries with a range or a limit hold only the server's window: a write is laid over
    /// the children they hold and the query's selection applied again; a write below a child the window does not hold is
    /// left out (the rest of that child is unknown), and so is, for a full limited window, a write that would empty a
    /// place in it or bring in a child from beyond its edge (the children beyond it are unknown): those show only when the
    /// server's change arrives.
    /// </para>
    /// A write leaves the view once it is acknowledged and its change has arrived on the stream, so the view never steps
    /// back to an older value in between. Off by default.
    /// </summary>
    public bool LatencyCompensation { get; set; }

    /// <summary>The first reconnect delay of a stream (doubled after each failure). 1 second by default.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest reconnect delay. 30 seconds by default.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The share of each delay that is randomised (0 to 1): a delay d becomes a value in [d × (1 − jitter), d]. 0.5 by default.</summary>
    [Range(0.0, 1.0)]
    public double ReconnectJitter { get; set; } = 0.5;

    /// <summary>How long a stream may stay silent (no data, no keep-alive) before it is reconnected. 90 seconds by default (the service sends a keep-alive every 30 s).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The clock of timeouts, backoff and push ids; <see cref="TimeProvider.System"/> when not set.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Serializer options of the typed helpers (<c>SetAsync&lt;T&gt;</c>, <c>GetValueAsync&lt;T&gt;</c>, <c>PushAsync&lt;T&gt;</c>,
    /// typed transactions) on this store when a call passes none; the store hands them out through
    /// <c>GetService(typeof(JsonSerializerOptions))</c>. <see cref="RealtimeJson.DefaultOptions"/> when not set.
    /// </summary>
    public JsonSerializerOptions? JsonSerializerOptions { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DatabaseUrl is null)
        {
            yield return new ValidationResult("DatabaseUrl is required.", [nameof(DatabaseUrl)]);
        }
        else if (!DatabaseUrl.IsAbsoluteUri || (DatabaseUrl.Scheme != Uri.UriSchemeHttps && DatabaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult("DatabaseUrl must be an absolute http(s) URL.", [nameof(DatabaseUrl)]);
        }
        else if (DatabaseUrl.Scheme == Uri.UriSchemeHttp && !IsLoopback(DatabaseUrl))
        {
            yield return new ValidationResult("DatabaseUrl must use https (plain http is allowed only on loopback, for the emulator).", [nameof(DatabaseUrl)]);
        }
        else if (!string.IsNullOrEmpty(DatabaseUrl.Query) && DatabaseUrl.Query != "?")
        {
            yield return new ValidationResult("DatabaseUrl must not carry a query string; set Namespace and the credential options instead.", [nameof(DatabaseUrl)]);
        }

        var credentials = (IdToken is null ? 0 : 1) + (DatabaseSecret is null ? 0 : 1) + (AccessToken is null ? 0 : 1) +
                          (TokenProvider is null ? 0 : 1) + (AccessTokenProvider is null ? 0 : 1) + (UseEmulatorAdmin ? 1 : 0);
        if (credentials > 1)
        {
            yield return new ValidationResult(
                "Set at most one credential: IdToken, DatabaseSecret, AccessToken, TokenProvider, AccessTokenProvider or UseEmulatorAdmin.", [nameof(IdToken)]);
        }

        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            yield return new ValidationResult("RequestTimeout must be positive (or infinite).", [nameof(RequestTimeout)]);
        }

        if (ReconnectInitialDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay)
        {
            yield return new ValidationResult("ReconnectInitialDelay must be positive and not above ReconnectMaxDelay.", [nameof(ReconnectInitialDelay)]);
        }

        if (WriteSizeLimit is not (null or "tiny" or "small" or "medium" or "large" or "unlimited"))
        {
            yield return new ValidationResult("WriteSizeLimit must be tiny, small, medium, large or unlimited.", [nameof(WriteSizeLimit)]);
        }

        if (ServerReadTimeout is { } t && (t < TimeSpan.FromMilliseconds(1) || t > TimeSpan.FromMinutes(15)))
        {
            yield return new ValidationResult("ServerReadTimeout must be from 1 ms to 15 minutes.", [nameof(ServerReadTimeout)]);
        }

        if (EmulatorHost is { Length: > 0 } host && (host.Contains("://", StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal) || host.Contains('?', StringComparison.Ordinal)))
        {
            yield return new ValidationResult("EmulatorHost must be host:port (no scheme, path or query).", [nameof(EmulatorHost)]);
        }

        if (IdleTimeout <= TimeSpan.Zero)
        {
            yield return new ValidationResult("IdleTimeout must be positive.", [nameof(IdleTimeout)]);
        }
    }

    /// <summary>
    /// The emulator host the store uses: <see cref="EmulatorHost"/> when set; otherwise <paramref name="environmentValue"/>
    /// (the environment variable) when no production credential is configured; otherwise none.
    /// </summary>
    internal string? EffectiveEmulatorHost(string? environmentValue)
    {
        if (!string.IsNullOrWhiteSpace(EmulatorHost))
        {
            return EmulatorHost;
        }

        var productionCredential = IdToken is not null || DatabaseSecret is not null || AccessToken is not null ||
                                   TokenProvider is not null || AccessTokenProvider is not null;
        return string.IsNullOrWhiteSpace(environmentValue) || productionCredential ? null : environmentValue;
    }

    /// <summary>Throws <see cref="RealtimeValidationException"/> naming the first invalid setting.</summary>
    internal void ThrowIfInvalid()
    {
        var results = new List<ValidationResult>();
        if (!Internal.OptionsValidation.TryValidate(this, results))
        {
            var first = results[0];
            throw new RealtimeValidationException($"Invalid Firebase store options: {first.ErrorMessage}", first.MemberNames.FirstOrDefault());
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
