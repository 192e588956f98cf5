using System.Net.Http.Headers;
using System.Text;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;

namespace RealtimeAdapters.Ably.Auth;

/// <summary>
/// Supplies the credentials of a client (protocol §2, RSA4, RSA8): the key as Basic credentials, or a token that it obtains,
/// caches and renews. A token comes from <see cref="AblyChannelClientOptions.Token"/> at first, then from
/// <see cref="AblyChannelClientOptions.AuthCallback"/> when set, otherwise from a TokenRequest signed with
/// <see cref="AblyChannelClientOptions.Key"/> and exchanged at <c>POST /keys/{keyName}/requestToken</c> (so the key secret
/// never goes on the wire). Concurrent callers share one request; a caller's cancellation stops its wait only.
/// </summary>
/// <remarks>
/// Errors are <see cref="RealtimeAuthenticationException"/>s: 40170 when the auth callback fails or times out
/// (<see cref="RealtimeException.IsRetryable"/> unless it reported status 403), 40171 when a token is needed and cannot be
/// renewed, 80019 when the server refuses or cannot answer a token request (the server's error is the inner exception and is
/// named in the message; retryable for network errors, timeouts, 5xx and 429), 40102 when the token's client id is not
/// <see cref="AblyChannelClientOptions.ClientId"/>.
/// </remarks>
internal sealed class AblyAuthorizer : IDisposable
{
    /// <summary>A token is renewed this long before it expires (at most half its remaining lifetime), so it is not refused in flight.</summary>
    internal static readonly TimeSpan RenewalMargin = TimeSpan.FromSeconds(15);

    private const string ProtocolVersion = "6";

    private readonly AblyChannelClientOptions _options;
    private readonly HttpClient _http;
    private readonly AblyApiKey? _key;
    private readonly AblyCredential? _basic;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private AblyCredential? _current;
    private DateTimeOffset? _renewAt;
    private Task<AblyCredential>? _pending;
    private int _disposed;

    /// <summary>Creates the authorizer; nothing is sent until a token is needed.</summary>
    /// <param name="options">Validated options (see <see cref="AblyChannelClientOptions.Validate()"/>).</param>
    /// <param name="http">The client for token requests; not disposed here.</param>
    public AblyAuthorizer(AblyChannelClientOptions options, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(http);
        _options = options;
        _http = http;
        _key = options.Key is null ? null : AblyApiKey.Parse(options.Key);
        UsesTokens = options.UsesTokenAuth;
        CanRenew = options.AuthCallback is not null || options.AuthUrl is not null || (UsesTokens && _key is not null);
        if (!UsesTokens)
        {
            var key = _key ?? throw new RealtimeAuthenticationException("Invalid Ably options: no credentials: set Key, Token, AuthCallback or AuthUrl.")
            {
                ErrorCode = "40005",
                StatusCode = 400,
                ProviderName = "Ably",
            };
            _basic = new AblyCredential(
                "key=" + Uri.EscapeDataString(key.ToKeyString()),
                AuthenticationHeaderValue.Parse(key.BasicAuthorizationValue),
                null,
                null,
                options.ClientId);
        }
        else if (options.Token is { } token)
        {
            var (expires, clientId) = AblyTokenInspector.ReadJwtClaims(token);
            SetCurrent(CreateTokenCredential(token, expires, clientId));
        }
    }

    /// <summary>Whether the client authenticates with tokens (as opposed to Basic auth with the key).</summary>
    public bool UsesTokens { get; }

    /// <summary>Whether a new token can be obtained (an auth callback, or a key with token auth); false for a fixed token or a bare key.</summary>
    public bool CanRenew { get; }

    /// <summary>
    /// The credentials to use now: the key (Basic auth), or the cached token unless <paramref name="renew"/> is set or it is
    /// (about to be) expired per <see cref="AblyChannelClientOptions.TimeProvider"/>, in which case a new one is obtained.
    /// </summary>
    /// <param name="renew">Whether the server refused the current token (4014x) and a new one is needed. Ignored with Basic auth.</param>
    /// <param name="cancellationToken">Stops this caller's wait; a shared token request goes on for the other callers.</param>
    /// <returns>The credentials.</returns>
    /// <exception cref="RealtimeAuthenticationException">A token cannot be obtained (codes in the remarks of the type).</exception>
    public ValueTask<AblyCredential> GetCredentialAsync(bool renew, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return ValueTask.FromException<AblyCredential>(new ObjectDisposedException(nameof(AblyAuthorizer)));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<AblyCredential>(cancellationToken);
        }

        if (_basic is not null)
        {
            return new(_basic);
        }

        TaskCompletionSource<AblyCredential>? owner = null;
        Task<AblyCredential> task;
        lock (_gate)
        {
            if (_pending is { IsCompleted: false } pending)
            {
                // Requested after the caller's failure, so it is as new as a renewal this caller would start.
                task = pending;
            }
            else if (!renew && _current is { } current && (_renewAt is not { } renewAt || _options.TimeProvider.GetUtcNow() < renewAt))
            {
                return CheckClientId(current) is { } mismatch ? ValueTask.FromException<AblyCredential>(mismatch) : new(current);
            }
            else if (!CanRenew)
            {
                return ValueTask.FromException<AblyCredential>(NotRenewable(renew
                    ? "the server refused the token"
                    : "the token has expired"));
            }
            else
            {
                owner = new TaskCompletionSource<AblyCredential>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending = task = owner.Task;
            }
        }

        if (owner is not null)
        {
            // Outside the lock: the auth callback is user code.
            _ = FetchAsync(owner);
        }

        return new(task.WaitAsync(cancellationToken));
    }

    /// <summary>Stops a token request in progress; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _lifetime.Cancel();
        }
    }

    private async Task FetchAsync(TaskCompletionSource<AblyCredential> owner)
    {
        try
        {
            var credential = await FetchCoreAsync(_lifetime.Token).ConfigureAwait(false);
            if (CheckClientId(credential) is { } mismatch)
            {
                throw mismatch;
            }

            lock (_gate)
            {
                SetCurrent(credential);
            }

            owner.TrySetResult(credential);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            owner.TrySetException(new ObjectDisposedException(nameof(AblyAuthorizer)));
        }
#pragma warning disable CA1031 // Every failure goes to the callers waiting on the shared request, already typed by FetchCoreAsync.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            owner.TrySetException(ex);
        }
    }

    private async Task<AblyCredential> FetchCoreAsync(CancellationToken cancellationToken)
    {
        var tokenParams = new AblyTokenParams
        {
            Ttl = _options.TokenParams?.Ttl,
            Capability = _options.TokenParams?.Capability,
            ClientId = _options.TokenParams?.ClientId ?? _options.ClientId,
        };

        var callback = _options.AuthCallback ?? (_options.AuthUrl is { } authUrl ? (p, ct) => FetchFromAuthUrlAsync(authUrl, p, ct) : null);
        if (callback is not null)
        {
            var result = await InvokeCallbackAsync(callback, tokenParams, cancellationToken).ConfigureAwait(false);
            return result.TokenRequest is { } request
                ? await RequestTokenAsync(request, cancellationToken).ConfigureAwait(false)
                : CreateTokenCredential(result.Token!, result.Expires, result.ClientId);
        }

        var signed = TokenRequestSigner.CreateSigned(
            _key!,
            _options.TimeProvider,
            tokenParams.Ttl is { } ttl ? (long)ttl.TotalMilliseconds : null,
            tokenParams.Capability,
            tokenParams.ClientId);
        return await RequestTokenAsync(signed, cancellationToken).ConfigureAwait(false);
    }

    // RSA8c: the authUrl answers with a token (text/plain, application/jwt) or a TokenDetails / signed TokenRequest (JSON).
    private async ValueTask<AblyAuthResult> FetchFromAuthUrlAsync(Uri authUrl, AblyTokenParams tokenParams, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string>(_options.AuthParams, StringComparer.Ordinal);
        if (tokenParams.Ttl is { } ttl)
        {
            parameters["ttl"] = ((long)ttl.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (tokenParams.Capability is { } capability)
        {
            parameters["capability"] = capability;
        }

        if (tokenParams.ClientId is { } clientId)
        {
            parameters["clientId"] = clientId;
        }

        HttpRequestMessage request;
        if (_options.AuthMethod == "POST")
        {
            request = new HttpRequestMessage(HttpMethod.Post, authUrl) { Content = new FormUrlEncodedContent(parameters) };
        }
        else
        {
            var query = string.Join('&', parameters.Select(static p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            var existing = authUrl.Query.TrimStart('?');
            var builder = new UriBuilder(authUrl) { Query = existing.Length == 0 ? query : query.Length == 0 ? existing : existing + "&" + query };
            request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        }

        using (request)
        {
            foreach (var (name, value) in _options.AuthHeaders)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                // The URL is the application's own; its query may carry the application's secrets, so it is not quoted.
                throw new RealtimeAuthenticationException("the AuthUrl answered HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    StatusCode = status,
                    ProviderName = "Ably",
                };
            }

            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType == "application/json")
            {
                return body.Contains("\"mac\"", StringComparison.Ordinal) && body.Contains("\"keyName\"", StringComparison.Ordinal)
                    ? AblyAuthResult.FromTokenRequestJson(body)
                    : AblyAuthResult.FromTokenDetailsJson(body);
            }

            if (mediaType is null or "text/plain" or "application/jwt")
            {
                return AblyAuthResult.FromToken(body.Trim());
            }

            throw new RealtimeAuthenticationException("the AuthUrl answered with content type " + mediaType + " (expected text/plain, application/jwt or application/json)")
            {
                ProviderName = "Ably",
            };
        }
    }

    private async Task<AblyAuthResult> InvokeCallbackAsync(
        Func<AblyTokenParams, CancellationToken, ValueTask<AblyAuthResult>> callback, AblyTokenParams tokenParams, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.RealtimeRequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        AblyAuthResult? result;
        try
        {
            result = await callback(tokenParams, linked.Token).AsTask()
                .WaitAsync(_options.RealtimeRequestTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            throw CallbackFailed("it did not answer within RealtimeRequestTimeout", ex, forbidden: false);
        }
#pragma warning disable CA1031 // Whatever the application's callback throws is reported as the 40170 it is, with the original inside.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var why = _options.AuthCallback is null && ex is RealtimeAuthenticationException { ErrorCode: null } ours ? ours.Message : "it threw " + ex.GetType().Name;
            throw CallbackFailed(why, ex, forbidden: ex is RealtimeException { StatusCode: 403 });
        }

        return result ?? throw CallbackFailed("it returned null", null, forbidden: false);
    }

    private async Task<AblyCredential> RequestTokenAsync(TokenRequest request, CancellationToken cancellationToken)
    {
        var endpoint = _options.Endpoint!;
        var scheme = endpoint.Scheme is "https" or "wss" ? "https" : "http";
        var baseUri = new UriBuilder(endpoint) { Scheme = scheme, Query = string.Empty }.Uri;
        var uri = new Uri(baseUri, "keys/" + Uri.EscapeDataString(request.KeyName!) + "/requestToken");

        using var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(AblyCodec.EncodeTokenRequest(request, WireFormat.Json)),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.TryAddWithoutValidation("X-Ably-Version", ProtocolVersion);

        using var timeout = new CancellationTokenSource(_options.HttpRequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(message, linked.Token).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw TokenRequestFailed("it timed out (HttpRequestTimeout)", null, ex, retryable: true);
        }
        catch (HttpRequestException ex)
        {
            throw TokenRequestFailed("the server could not be reached: " + ex.Message, null, ex, retryable: true);
        }

        using (response)
        {
            var format = response.Content.Headers.ContentType?.MediaType == "application/x-msgpack" ? WireFormat.MsgPack : WireFormat.Json;
            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                var error = AblyCodec.DecodeHttpError(body, response.Content.Headers.ContentType?.MediaType, status);

                throw TokenRequestFailed("the server refused it: " + error.Describe(), error, error.ToException("Ably requestToken"), retryable: status is >= 500 or 429);
            }

            TokenDetails details;
            try
            {
                details = AblyCodec.DecodeTokenDetails(body, format);
            }
            catch (AblyProtocolException ex)
            {
                throw TokenRequestFailed("the reply is not a TokenDetails: " + ex.Error.Message, null, ex, retryable: false);
            }

            if (!AblyTokenInspector.IsWellFormed(details.Token))
            {
                throw TokenRequestFailed("the reply has no well-formed token", null, null, retryable: false);
            }

            return CreateTokenCredential(
                details.Token!,
                details.Expires is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
                string.IsNullOrEmpty(details.ClientId) ? null : details.ClientId);
        }
    }

    private void SetCurrent(AblyCredential credential)
    {
        _current = credential;
        _renewAt = null;
        if (credential.Expires is { } expires)
        {
            var remaining = expires - _options.TimeProvider.GetUtcNow();
            var margin = remaining <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Min(RenewalMargin.Ticks, remaining.Ticks / 2));
            _renewAt = expires - margin;
        }
    }

    private static AblyCredential CreateTokenCredential(string token, DateTimeOffset? expires, string? clientId) => new(
        "access_token=" + Uri.EscapeDataString(token),
        new AuthenticationHeaderValue("Bearer", Convert.ToBase64String(Encoding.UTF8.GetBytes(token))),
        token,
        expires,
        clientId);

    private RealtimeAuthenticationException? CheckClientId(AblyCredential credential) =>
        _options.ClientId is { } configured && credential.ClientId is { } tokenClientId && tokenClientId != "*" &&
        !string.Equals(configured, tokenClientId, StringComparison.Ordinal)
            ? new RealtimeAuthenticationException(
                $"Incompatible Ably credentials: the token is for client id \"{tokenClientId}\" but ClientId is \"{configured}\".")
            {
                ErrorCode = AblyErrorCodes.IncompatibleCredentials.ToString(System.Globalization.CultureInfo.InvariantCulture),
                StatusCode = 401,
                ProviderName = "Ably",
            }
            : null;

    private static RealtimeAuthenticationException NotRenewable(string why) => new(
        "Ably token renewal is not possible: " + why + " and no AuthCallback or Key is configured to obtain a new one.")
    {
        ErrorCode = AblyErrorCodes.TokenRenewalNotConfigured.ToString(System.Globalization.CultureInfo.InvariantCulture),
        StatusCode = 403,
        ProviderName = "Ably",
    };

    private RealtimeAuthenticationException CallbackFailed(string why, Exception? inner, bool forbidden) => new(
        "The Ably " + (_options.AuthCallback is null ? "AuthUrl" : "AuthCallback") + " failed: " + why + ".", inner)
    {
        ErrorCode = AblyErrorCodes.AuthCallbackFailed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        StatusCode = forbidden ? 403 : 401,
        IsRetryable = !forbidden,
        ProviderName = "Ably",
    };

    private static RealtimeAuthenticationException TokenRequestFailed(string why, ErrorInfo? server, Exception? inner, bool retryable) => new(
        "The Ably token request failed: " + why + ".", inner)
    {
        ErrorCode = AblyErrorCodes.TokenRequestFailed.ToString(System.Globalization.CultureInfo.InvariantCulture),
        StatusCode = server?.StatusCode is > 0 and var status ? status : 401,
        IsRetryable = retryable,
        ProviderName = "Ably",
    };
}
