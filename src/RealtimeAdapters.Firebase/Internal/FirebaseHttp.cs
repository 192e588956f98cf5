using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RealtimeAdapters.Firebase.Internal;

/// <summary>
/// The HTTP side of the store: URLs with every segment and value percent-encoded, credentials (query or header) applied
/// to every request including redirected ones, 307 followed by hand, REST timeouts, retries of idempotent requests, and
/// the mapping of error responses onto the exception family. URLs never appear in messages: they may carry a credential.
/// </summary>
internal sealed class FirebaseHttp : IDisposable
{
    private const int MaxRedirects = 5;
    private readonly FirebaseStoreOptions _options;
    private readonly HttpClient _client;
    private readonly bool _ownsClient;
    private readonly string _base;
    private readonly string? _namespace;
    private readonly TimeProvider _time;

    public FirebaseHttp(FirebaseStoreOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        if (options.HttpClient is { } client)
        {
            _client = client;
        }
        else
        {
            var handler = options.HttpMessageHandler ?? new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = int.MaxValue,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            };
            _client = new HttpClient(handler, disposeHandler: options.HttpMessageHandler is null) { Timeout = Timeout.InfiniteTimeSpan };
            _ownsClient = true;
        }

        (_base, _namespace) = ResolveTarget(options.DatabaseUrl!, options.Namespace, options.EffectiveEmulatorHost(Environment.GetEnvironmentVariable(EmulatorHostVariable)));
    }

    /// <summary>The database's base URL (scheme, host, port; no trailing slash), after the emulator-host redirection.</summary>
    public string BaseUrl => _base;

    /// <summary>The namespace sent as <c>ns</c>, when one is needed.</summary>
    public string? Namespace => _namespace;

    /// <summary>The admin SDKs' convention for pointing a hosted database URL at a local emulator.</summary>
    public const string EmulatorHostVariable = "FIREBASE_DATABASE_EMULATOR_HOST";

    /// <summary>
    /// The base URL and namespace to use: with <paramref name="emulatorHost"/> (<c>host:port</c>) and a non-loopback
    /// database URL, plain HTTP to that host with the namespace taken from the URL's first DNS label.
    /// </summary>
    public static (string Base, string? Namespace) ResolveTarget(Uri databaseUrl, string? ns, string? emulatorHost)
    {
        if (string.IsNullOrWhiteSpace(emulatorHost) || databaseUrl.IsLoopback)
        {
            return (databaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/'), ns);
        }

        return ("http://" + emulatorHost.Trim().TrimEnd('/'), ns ?? databaseUrl.Host.Split('.')[0]);
    }

    public static string JsonQuote(string value) => DataNode.FromString(value).ToJsonString();

    /// <summary>Whether REST cannot say <paramref name="query"/>'s bounds (a key tie-breaker, an exclusive bound), so the server range is wider.</summary>
    public static bool IsWidenedOnRest(RealtimeQuery query) =>
        query.StartAt is { } s && (s.Key is not null || s.Exclusive) || query.EndAt is { } e && (e.Key is not null || e.Exclusive);

    public static List<KeyValuePair<string, string>> QueryParameters(RealtimeQuery query)
    {
        var list = new List<KeyValuePair<string, string>>();
        switch (query.OrderBy)
        {
            case QueryOrderBy.Key: list.Add(new("orderBy", JsonQuote("$key"))); break;
            case QueryOrderBy.Value: list.Add(new("orderBy", JsonQuote("$value"))); break;
            case QueryOrderBy.Priority: list.Add(new("orderBy", JsonQuote("$priority"))); break;
            case QueryOrderBy.Child: list.Add(new("orderBy", JsonQuote(string.Join('/', query.OrderByChildPath!.Segments)))); break;
        }

        // REST has no key tie-breaker and no exclusive bound: the server gets the wider inclusive value-only range and no
        // limit (a limit there could cut children the exact query keeps); the client applies the exact query to what
        // comes back.
        var keyed = IsWidenedOnRest(query);
        void AddBound(string name, QueryBound bound) => list.Add(new(name, bound.Value.ToJsonString()));

        if (query.IsEqualTo)
        {
            AddBound("equalTo", query.StartAt!.Value);
        }
        else
        {
            if (query.StartAt is { } s)
            {
                AddBound("startAt", s);
            }

            if (query.EndAt is { } e)
            {
                AddBound("endAt", e);
            }
        }

        if (keyed)
        {
            return list;
        }

        if (query.LimitToFirst is { } f)
        {
            list.Add(new("limitToFirst", f.ToString(CultureInfo.InvariantCulture)));
        }

        if (query.LimitToLast is { } l)
        {
            list.Add(new("limitToLast", l.ToString(CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public async ValueTask<Uri> BuildUriAsync(RealtimePath path, string? suffix, IEnumerable<KeyValuePair<string, string>>? parameters, CancellationToken cancellationToken)
    {
        var sb = new StringBuilder(_base);
        foreach (var segment in path.Segments)
        {
            sb.Append('/').Append(Uri.EscapeDataString(segment));
        }

        if (suffix is not null)
        {
            sb.Append('/').Append(suffix);
        }

        sb.Append(path.IsRoot && suffix is null ? "/.json" : ".json");
        var sep = '?';
        void Add(string name, string value)
        {
            sb.Append(sep).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            sep = '&';
        }

        if (_namespace is { } ns)
        {
            Add("ns", ns);
        }

        if (parameters is not null)
        {
            foreach (var p in parameters)
            {
                Add(p.Key, p.Value);
            }
        }

        var auth = await QueryCredentialAsync(cancellationToken).ConfigureAwait(false);
        if (auth is not null)
        {
            Add("auth", auth);
        }

        return new Uri(sb.ToString());
    }

    private async ValueTask<string?> QueryCredentialAsync(CancellationToken cancellationToken)
    {
        if (_options.TokenProvider is { } provider)
        {
            var token = await provider(cancellationToken).ConfigureAwait(false);
            return string.IsNullOrEmpty(token) ? null : token;
        }

        return _options.IdToken ?? _options.DatabaseSecret;
    }

    private void ApplyHeaders(HttpRequestMessage request, string? providedAccessToken)
    {
        request.Headers.TryAddWithoutValidation("X-Firebase-Decoding", "1");
        if ((providedAccessToken ?? _options.AccessToken) is { } access)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        }
        else if (_options.UseEmulatorAdmin)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "owner");
        }
    }

    /// <summary>Sends one request, following redirects with the credential re-applied; returns any final response.</summary>
    public async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, Uri uri, byte[]? body, Action<HttpRequestMessage>? configure, bool stream, CancellationToken cancellationToken)
    {
        var accessToken = _options.AccessTokenProvider is { } provider ? await provider(cancellationToken).ConfigureAwait(false) : null;
        for (var redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(method, uri);
            ApplyHeaders(request, accessToken);
            configure?.Invoke(request);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new RealtimeConnectionException("The Firebase database could not be reached: " + ex.Message, ex)
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                    IsRetryable = true,
                };
            }

            if (response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently
                && response.Headers.Location is { } location && redirects < MaxRedirects)
            {
                response.Dispose();
                var target = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (!IsSafeRedirect(uri, target))
                {
                    // The credential goes with every request (query and header): it is never sent to another host, nor in clear.
                    throw new RealtimeException(
                        $"Firebase redirected the request to {target.Scheme}://{target.Authority}, which is not the same host over https; " +
                        "the store does not send its credential there, so the request was not followed.")
                    {
                        ProviderName = FirebaseRealtimeStore.Name,
                        ErrorCode = "unsafe_redirect",
                    };
                }

                uri = ReapplyQueryCredential(target, uri);
                continue;
            }

            return response;
        }
    }

    /// <summary>
    /// Whether a redirect may be followed with the credential: to the same host and port, over https, or over plain
    /// http only from plain http on loopback (the emulator). Never to another host, never from https down to http.
    /// </summary>
    internal static bool IsSafeRedirect(Uri from, Uri to) =>
        string.Equals(from.Host, to.Host, StringComparison.OrdinalIgnoreCase) && from.Port == to.Port &&
        (to.Scheme == Uri.UriSchemeHttps || (to.Scheme == Uri.UriSchemeHttp && from.Scheme == Uri.UriSchemeHttp && to.IsLoopback));

    // A Location without our auth= (or ns=) gets them back from the original URL.
    private static Uri ReapplyQueryCredential(Uri target, Uri original)
    {
        var query = target.Query.TrimStart('?');
        var sb = new StringBuilder(query);
        foreach (var part in original.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = part.Split('=')[0];
            if ((name == "auth" || name == "ns") && !query.Split('&').Any(p => p.Split('=')[0] == name))
            {
                sb.Append(sb.Length == 0 ? "" : "&").Append(part);
            }
        }

        return new UriBuilder(target) { Query = sb.ToString() }.Uri;
    }

    /// <summary>A REST call: its own timeout, retries when <paramref name="idempotent"/>, and errors mapped.</summary>
    public async Task<(DataNode Value, string? ETag, HttpStatusCode Status)> SendAsync(
        HttpMethod method,
        RealtimePath path,
        string? suffix,
        IEnumerable<KeyValuePair<string, string>>? parameters,
        byte[]? body,
        Action<HttpRequestMessage>? configure,
        bool idempotent,
        string operation,
        FirebaseConnection connection,
        CancellationToken cancellationToken,
        bool allowConflict = false,
        Func<byte[], DataNode>? parse = null)
    {
        var authRetried = false;
        for (var attempt = 0; ; attempt++)
        {
            var uri = await BuildUriAsync(path, suffix, parameters, cancellationToken).ConfigureAwait(false);
            using var timeout = _options.RequestTimeout == Timeout.InfiniteTimeSpan
                ? new CancellationTokenSource()
                : new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            RealtimeException? retryable;
            try
            {
                using var response = await SendOnceAsync(method, uri, body, configure, stream: false, linked.Token).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    connection.Transition(ConnectionState.Connected);
                }

                var bytes = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
                var etag = response.Headers.ETag?.Tag ?? (response.Headers.TryGetValues("ETag", out var tags) ? tags.FirstOrDefault() : null);
                if (response.IsSuccessStatusCode || (allowConflict && response.StatusCode == HttpStatusCode.PreconditionFailed))
                {
                    var value = bytes.Length == 0 ? DataNode.Null : parse is null ? DataNode.Parse(bytes) : parse(bytes);
                    return (value, etag, response.StatusCode);
                }

                var error = MapError(response.StatusCode, ReadError(bytes), path, operation);
                if (error is RealtimeAuthenticationException && _options.TokenProvider is not null && !authRetried)
                {
                    // An expired token: ask the provider again once before giving up.
                    authRetried = true;
                    attempt--;
                    continue;
                }

                if (!error.IsRetryable || !idempotent || attempt >= _options.MaxRequestRetries)
                {
                    throw error;
                }

                retryable = error;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                retryable = new RealtimeConnectionException($"The Firebase {operation} at {path} timed out after {_options.RequestTimeout}.")
                {
                    ProviderName = FirebaseRealtimeStore.Name,
                    IsRetryable = true,
                };
                if (!idempotent || attempt >= _options.MaxRequestRetries)
                {
                    throw retryable;
                }
            }
            catch (RealtimeConnectionException ex) when (ex.IsRetryable && idempotent && attempt < _options.MaxRequestRetries)
            {
                retryable = ex;
            }

            _ = retryable;
            var delay = Backoff.Delay(_options, attempt);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string? ReadError(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                ? e.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static RealtimeException MapError(HttpStatusCode status, string? message, RealtimePath path, string operation)
    {
        var code = (int)status;
        var text = $"Firebase refused the {operation} at {path} ({code}): {message ?? status.ToString()}";
        return status switch
        {
            HttpStatusCode.BadRequest => new RealtimeValidationException(text, path.ToString()) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
            HttpStatusCode.Unauthorized when message is not null && message.Contains("Permission denied", StringComparison.OrdinalIgnoreCase) =>
                new RealtimePermissionException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
            HttpStatusCode.Unauthorized => new RealtimeAuthenticationException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
            HttpStatusCode.Forbidden => new RealtimePermissionException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
            HttpStatusCode.PreconditionFailed => new RealtimeConflictException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
            HttpStatusCode.ServiceUnavailable => new RealtimeConnectionException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name, IsRetryable = true },
            _ when code >= 500 => new RealtimeConnectionException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
            _ => new RealtimeException(text) { StatusCode = code, ProviderName = FirebaseRealtimeStore.Name },
        };
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
