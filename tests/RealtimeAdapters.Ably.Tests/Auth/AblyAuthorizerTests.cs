using System.Text;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Emulator.Ably;

namespace RealtimeAdapters.Ably.Tests.Auth;

public sealed class AblyAuthorizerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string SignedRequestJson(AuthEmulator emu, AblyTokenParams p, string? secret = null)
    {
        var key = secret is null ? emu.ApiKey : AblyApiKey.Parse(emu.ApiKey.KeyName + ":" + secret);
        var request = TokenRequestSigner.CreateSigned(key, emu.Time, p.Ttl is { } t ? (long)t.TotalMilliseconds : null, p.Capability, p.ClientId);
        return Encoding.UTF8.GetString(AblyCodec.EncodeTokenRequest(request, WireFormat.Json));
    }

    [Fact]
    public async Task GetCredentialAsync_KeyWithoutTokenAuth_ReturnsBasicCredential()
    {
        using var http = new HttpClient();
        using var authorizer = new AblyAuthorizer(
            new AblyChannelClientOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Key = "app.key:sec/ret", ClientId = "bob" }, http);

        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);

        Assert.False(authorizer.UsesTokens);
        Assert.False(authorizer.CanRenew);
        Assert.False(credential.IsToken);
        Assert.Equal("key=app.key%3Asec%2Fret", credential.QueryParameter);
        Assert.Equal("Basic", credential.Authorization.Scheme);
        Assert.Equal("app.key:sec/ret", Encoding.UTF8.GetString(Convert.FromBase64String(credential.Authorization.Parameter!)));
        Assert.Equal("bob", credential.ClientId);
        Assert.DoesNotContain("sec", credential.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialAsync_UseTokenAuth_ExchangesSignedRequestWithoutSendingSecret()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        using var authorizer = new AblyAuthorizer(emu.Options(o =>
        {
            o.Key = emu.Key;
            o.UseTokenAuth = true;
            o.ClientId = "alice";
            o.TokenParams = new AblyTokenParams { Ttl = TimeSpan.FromMinutes(5), Capability = """{"*":["subscribe","history"]}""" };
        }), http);

        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);

        Assert.True(authorizer.UsesTokens);
        Assert.True(authorizer.CanRenew);
        Assert.True(credential.IsToken);
        Assert.Equal(emu.Time.GetUtcNow() + TimeSpan.FromMinutes(5), credential.Expires);
        Assert.Equal("alice", credential.ClientId);
        var request = Assert.Single(handler.Requests);
        Assert.Contains("/keys/" + emu.ApiKey.KeyName + "/requestToken", request, StringComparison.Ordinal);
        Assert.Contains("\"mac\":", request, StringComparison.Ordinal);
        Assert.DoesNotContain(emu.ApiKey.Secret, request, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", request, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task GetCredentialAsync_SignedToken_AcceptedByRestAndWebSocket()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var http = new HttpClient();
        using var authorizer = new AblyAuthorizer(emu.Options(o => { o.Key = emu.Key; o.UseTokenAuth = true; }), http);

        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);

        Assert.StartsWith("access_token=", credential.QueryParameter, StringComparison.Ordinal);
        Assert.Equal("Bearer", credential.Authorization.Scheme);
        Assert.Equal(200, await emu.RestStatusAsync(credential.Authorization, Ct));
        var first = await emu.FirstWebSocketMessageAsync(credential.QueryParameter, Ct);
        Assert.Equal(ProtocolAction.Connected, first.Action);
    }

    [Fact]
    public async Task Probes_ForgedToken_AreRefused()
    {
        // The probes used above can fail: a token the emulator never issued is refused on both paths.
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(emu.Options(o => o.Token = "emu.forged"), new HttpClient());
        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);

        Assert.Equal(401, await emu.RestStatusAsync(credential.Authorization, Ct));
        var first = await emu.FirstWebSocketMessageAsync(credential.QueryParameter, Ct);
        Assert.Equal(ProtocolAction.Error, first.Action);
        Assert.Equal(AblyErrorCodes.TokenUnrecognised, first.Error!.Code);
    }

    [Fact]
    public async Task GetCredentialAsync_Cached_ReusedUntilRenewRequested()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var handler = new RecordingHandler();
        using var authorizer = new AblyAuthorizer(emu.Options(o => { o.Key = emu.Key; o.UseTokenAuth = true; }), new HttpClient(handler));

        var first = await authorizer.GetCredentialAsync(renew: false, Ct);
        var again = await authorizer.GetCredentialAsync(renew: false, Ct);
        var renewed = await authorizer.GetCredentialAsync(renew: true, Ct);

        Assert.Same(first, again);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Same(renewed, await authorizer.GetCredentialAsync(renew: false, Ct));
    }

    [Fact]
    public async Task GetCredentialAsync_TokenAboutToExpire_RenewedOnTheClock()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(
            emu.Options(o => { o.Key = emu.Key; o.UseTokenAuth = true; o.TokenParams = new AblyTokenParams { Ttl = TimeSpan.FromMinutes(1) }; }),
            new HttpClient());
        var first = await authorizer.GetCredentialAsync(renew: false, Ct);

        emu.Time.Advance(TimeSpan.FromSeconds(44));
        Assert.Same(first, await authorizer.GetCredentialAsync(renew: false, Ct));

        emu.Time.Advance(TimeSpan.FromSeconds(2));
        var renewed = await authorizer.GetCredentialAsync(renew: false, Ct);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
        Assert.Equal(emu.Time.GetUtcNow() + TimeSpan.FromMinutes(1), renewed.Expires);
    }

    [Fact]
    public async Task GetCredentialAsync_AuthCallbackReturnsToken_PassesTokenParamsAndIsAccepted()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        var seen = new List<AblyTokenParams>();
        using var authorizer = new AblyAuthorizer(emu.Options(o =>
        {
            o.ClientId = "carol";
            o.TokenParams = new AblyTokenParams { Ttl = TimeSpan.FromMinutes(10) };
            o.AuthCallback = (p, _) =>
            {
                seen.Add(p);
                var jwt = AblyJwt.Create(emu.ApiKey, emu.Time, p.Ttl!.Value, clientId: p.ClientId);
                return ValueTask.FromResult(AblyAuthResult.FromToken(jwt));
            };
        }), new HttpClient());

        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);

        var p = Assert.Single(seen);
        Assert.Equal(new AblyTokenParams { Ttl = TimeSpan.FromMinutes(10), ClientId = "carol" }, p);
        Assert.Equal("carol", credential.ClientId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds((emu.Time.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds()), credential.Expires);
        Assert.Equal(200, await emu.RestStatusAsync(credential.Authorization, Ct));
        Assert.Equal(ProtocolAction.Connected, (await emu.FirstWebSocketMessageAsync(credential.QueryParameter, Ct)).Action);
    }

    [Fact]
    public async Task GetCredentialAsync_AuthCallbackReturnsTokenRequest_ExchangedAndAccepted()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(
            emu.Options(o => o.AuthCallback = (p, _) => ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(SignedRequestJson(emu, p with { ClientId = "dave" })))),
            new HttpClient());

        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);

        Assert.Equal("dave", credential.ClientId);
        Assert.Equal(emu.Time.GetUtcNow() + TimeSpan.FromHours(1), credential.Expires);
        Assert.Equal(200, await emu.RestStatusAsync(credential.Authorization, Ct));
        Assert.Equal(ProtocolAction.Connected, (await emu.FirstWebSocketMessageAsync(credential.QueryParameter, Ct)).Action);
    }

    [Fact]
    public async Task GetCredentialAsync_Renew_CallsCallbackAgain()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        var calls = 0;
        using var authorizer = new AblyAuthorizer(emu.Options(o => o.AuthCallback = (p, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(SignedRequestJson(emu, p)));
        }), new HttpClient());

        var first = await authorizer.GetCredentialAsync(renew: false, Ct);
        var renewed = await authorizer.GetCredentialAsync(renew: true, Ct);

        Assert.Equal(2, calls);
        Assert.NotEqual(first.AccessToken, renewed.AccessToken);
    }

    [Fact]
    public async Task GetCredentialAsync_ConcurrentCallers_ShareOneCallback()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        var calls = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var authorizer = new AblyAuthorizer(emu.Options(o => o.AuthCallback = async (_, _) =>
        {
            Interlocked.Increment(ref calls);
            await gate.Task;
            return AblyAuthResult.FromToken("emu.shared");
        }), new HttpClient());

        var waits = Enumerable.Range(0, 3).Select(i => authorizer.GetCredentialAsync(renew: i == 2, Ct).AsTask()).ToList();
        gate.SetResult();
        var credentials = await Task.WhenAll(waits).WaitAsync(Wait, Ct);

        Assert.Equal(1, calls);
        Assert.All(credentials, c => Assert.Same(credentials[0], c));
    }

    [Fact]
    public async Task GetCredentialAsync_OneCallerCancels_OthersStillGetTheToken()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var authorizer = new AblyAuthorizer(emu.Options(o => o.AuthCallback = async (_, _) =>
        {
            await gate.Task;
            return AblyAuthResult.FromToken("emu.shared");
        }), new HttpClient());
        using var cancel = new CancellationTokenSource();

        var cancelled = authorizer.GetCredentialAsync(renew: false, cancel.Token).AsTask();
        var other = authorizer.GetCredentialAsync(renew: false, Ct).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Wait, Ct));
        gate.SetResult();

        Assert.Equal("emu.shared", (await other.WaitAsync(Wait, Ct)).AccessToken);
    }

    [Fact]
    public async Task GetCredentialAsync_CallbackThrows_Throws40170WithCause()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(
            emu.Options(o => o.AuthCallback = (_, _) => throw new InvalidOperationException("backend down")), new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());

        Assert.Equal("40170", ex.ErrorCode);
        Assert.True(ex.IsRetryable);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public async Task GetCredentialAsync_CallbackReports403_Throws40170NotRetryable()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(
            emu.Options(o => o.AuthCallback = (_, _) => throw new RealtimePermissionException("banned") { StatusCode = 403 }), new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());

        Assert.Equal("40170", ex.ErrorCode);
        Assert.Equal(403, ex.StatusCode);
        Assert.False(ex.IsRetryable);
    }

    [Fact]
    public async Task GetCredentialAsync_CallbackNeverAnswers_Throws40170AfterRealtimeRequestTimeout()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        CancellationToken given = default;
        using var authorizer = new AblyAuthorizer(emu.Options(o =>
        {
            o.RealtimeRequestTimeout = TimeSpan.FromSeconds(5);
            o.AuthCallback = async (_, ct) =>
            {
                given = ct;
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                return AblyAuthResult.FromToken("never");
            };
        }), new HttpClient());

        var pending = authorizer.GetCredentialAsync(renew: false, Ct).AsTask();
        Assert.False(pending.IsCompleted);
        emu.Time.Advance(TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => pending.WaitAsync(Wait, Ct));
        Assert.Equal("40170", ex.ErrorCode);
        Assert.True(given.IsCancellationRequested);
    }

    [Fact]
    public async Task GetCredentialAsync_CallbackReturnsNull_Throws40170()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(emu.Options(o => o.AuthCallback = (_, _) => ValueTask.FromResult<AblyAuthResult>(null!)), new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());
        Assert.Equal("40170", ex.ErrorCode);
    }

    [Fact]
    public async Task GetCredentialAsync_FixedToken_ReturnedButNotRenewable()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        var jwt = AblyJwt.Create(emu.ApiKey, emu.Time, TimeSpan.FromMinutes(10));
        using var authorizer = new AblyAuthorizer(emu.Options(o => o.Token = jwt), new HttpClient());

        var credential = await authorizer.GetCredentialAsync(renew: false, Ct);
        Assert.True(authorizer.UsesTokens);
        Assert.False(authorizer.CanRenew);
        Assert.Equal(jwt, credential.AccessToken);
        Assert.Equal(200, await emu.RestStatusAsync(credential.Authorization, Ct));

        var refused = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: true, Ct).AsTask());
        Assert.Equal("40171", refused.ErrorCode);

        emu.Time.Advance(TimeSpan.FromMinutes(10));
        var expired = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());
        Assert.Equal("40171", expired.ErrorCode);
    }

    [Fact]
    public async Task GetCredentialAsync_FixedTokenWithCallback_UsesTokenFirstThenCallback()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(emu.Options(o =>
        {
            o.Token = "emu.initial";
            o.AuthCallback = (_, _) => ValueTask.FromResult(AblyAuthResult.FromToken("emu.renewed"));
        }), new HttpClient());

        Assert.True(authorizer.CanRenew);
        Assert.Equal("emu.initial", (await authorizer.GetCredentialAsync(renew: false, Ct)).AccessToken);
        Assert.Equal("emu.renewed", (await authorizer.GetCredentialAsync(renew: true, Ct)).AccessToken);
    }

    [Fact]
    public async Task GetCredentialAsync_WrongSecret_Throws80019WithServerCode()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(
            emu.Options(o => { o.Key = emu.ApiKey.KeyName + ":wrong-secret-123"; o.UseTokenAuth = true; }), new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());

        Assert.Equal("80019", ex.ErrorCode);
        Assert.Equal(401, ex.StatusCode);
        Assert.False(ex.IsRetryable);
        Assert.Contains("40101", ex.Message, StringComparison.Ordinal);
        Assert.Equal("40101", Assert.IsType<RealtimeAuthenticationException>(ex.InnerException).ErrorCode);
        Assert.DoesNotContain("wrong-secret-123", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCredentialAsync_CallbackTokenRequestTooOld_Throws80019With40104()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        var json = SignedRequestJson(emu, new AblyTokenParams());
        emu.Time.Advance(TimeSpan.FromMinutes(3));
        using var authorizer = new AblyAuthorizer(
            emu.Options(o => o.AuthCallback = (_, _) => ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(json))), new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());

        Assert.Equal("80019", ex.ErrorCode);
        Assert.Contains("40104", ex.Message, StringComparison.Ordinal);
        Assert.Equal("40104", Assert.IsAssignableFrom<RealtimeException>(ex.InnerException).ErrorCode);
    }

    [Fact]
    public async Task GetCredentialAsync_ServerUnreachable_Throws80019Retryable()
    {
        using var authorizer = new AblyAuthorizer(
            new AblyChannelClientOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Key = "app.key:secret", UseTokenAuth = true }, new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());

        Assert.Equal("80019", ex.ErrorCode);
        Assert.True(ex.IsRetryable);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task GetCredentialAsync_TokenForAnotherClientId_Throws40102()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(emu.Options(o =>
        {
            o.ClientId = "alice";
            o.AuthCallback = (_, _) => ValueTask.FromResult(AblyAuthResult.FromToken(AblyJwt.Create(emu.ApiKey, emu.Time, TimeSpan.FromMinutes(5), clientId: "mallory")));
        }), new HttpClient());

        var ex = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());

        Assert.Equal("40102", ex.ErrorCode);
    }

    [Fact]
    public async Task GetCredentialAsync_WildcardClientIdToken_AcceptedForAnyClientId()
    {
        await using var emu = await AuthEmulator.StartAsync(Ct);
        using var authorizer = new AblyAuthorizer(emu.Options(o =>
        {
            o.ClientId = "alice";
            o.AuthCallback = (p, _) => ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(SignedRequestJson(emu, p with { ClientId = "*" })));
        }), new HttpClient());

        Assert.Equal("*", (await authorizer.GetCredentialAsync(renew: false, Ct)).ClientId);
    }

    [Fact]
    public async Task GetCredentialAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var authorizer = new AblyAuthorizer(new AblyChannelClientOptions { Endpoint = new Uri("http://127.0.0.1:1/"), Token = "t" }, new HttpClient());
        authorizer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => authorizer.GetCredentialAsync(renew: false, Ct).AsTask());
    }

    [Fact]
    public async Task GetCredentialAsync_DisposedWhileCallbackRuns_WaitersGetObjectDisposed()
    {
        var gate = new TaskCompletionSource();
        var authorizer = new AblyAuthorizer(new AblyChannelClientOptions
        {
            Endpoint = new Uri("http://127.0.0.1:1/"),
            AuthCallback = async (_, ct) =>
            {
                await gate.Task.WaitAsync(ct);
                return AblyAuthResult.FromToken("t");
            },
        }, new HttpClient());

        var pending = authorizer.GetCredentialAsync(renew: false, Ct).AsTask();
        authorizer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(Wait, Ct));
    }
}
