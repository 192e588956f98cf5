using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Ably.Tests.Provider;

namespace RealtimeAdapters.Ably.Tests.Auth;

/// <summary>Tokens from an application's auth URL (RSA8c): GET and POST, token strings, TokenRequests, refusals.</summary>
public sealed class AblyAuthUrlTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Method, string Url, string Body, string? Session)> _requests = new();
    private AuthEmulator _emu = null!;
    private Func<HttpListenerRequest, (int Status, string ContentType, string Body)> _answer = _ => (500, "text/plain", "not set");
    private Uri _authUrl = null!;
    private Task _serving = Task.CompletedTask;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emu = await AuthEmulator.StartAsync(Ct);
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _authUrl = new Uri($"http://127.0.0.1:{port}/ably-token");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _emu.DisposeAsync();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            _requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.ToString(), body, context.Request.Headers["X-Session"]));
            var (status, type, answer) = _answer(context.Request);
            context.Response.StatusCode = status;
            context.Response.ContentType = type;
            var bytes = Encoding.UTF8.GetBytes(answer);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    // What the application's backend does: sign a TokenRequest with the key (the secret stays on the backend).
    private string SignedRequestJson(string? clientId)
    {
        var request = TokenRequestSigner.CreateSigned(_emu.ApiKey, _emu.Time, null, null, clientId);
        return Encoding.UTF8.GetString(AblyCodec.EncodeTokenRequest(request, WireFormat.Json));
    }

    [Fact]
    public async Task Get_TokenRequestJson_WithParamsAndHeaders_ConnectsAndPublishes()
    {
        _answer = r => (200, "application/json", SignedRequestJson(r.QueryString["clientId"]));
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.AuthUrl = _authUrl;
            o.AuthParams["tenant"] = "blue";
            o.AuthHeaders["X-Session"] = "session-1";
            o.ClientId = "ann";
        }));
        await client.GetChannel("url").PublishAsync("n", "via authUrl", Ct).AsTask().WaitAsync(Wait, Ct);

        var request = Assert.Single(_requests);
        Assert.Equal("GET", request.Method);
        Assert.Contains("tenant=blue", request.Url, StringComparison.Ordinal);
        Assert.Contains("clientId=ann", request.Url, StringComparison.Ordinal);
        Assert.Equal("session-1", request.Session);
        var history = await client.GetChannel("url").GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal("ann", Assert.Single(history.Items).ClientId);
    }

    [Fact]
    public async Task Post_PlainTextToken_SentAsFormBody_AndUsed()
    {
        string token;
        using (var http = new HttpClient())
        using (var authorizer = new RealtimeAdapters.Ably.Auth.AblyAuthorizer(_emu.Options(o => { o.Key = _emu.Key; o.UseTokenAuth = true; }), http))
        {
            token = (await authorizer.GetCredentialAsync(renew: false, Ct)).AccessToken!;
        }

        _answer = _ => (200, "text/plain", token);
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.AuthUrl = _authUrl;
            o.AuthMethod = "POST";
            o.AuthParams["tenant"] = "green";
            o.TokenParams = new AblyTokenParams { Ttl = TimeSpan.FromMinutes(5) };
        }));
        await client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct);

        var request = Assert.Single(_requests);
        Assert.Equal("POST", request.Method);
        Assert.Contains("tenant=green", request.Body, StringComparison.Ordinal);
        Assert.Contains("ttl=300000", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_FailsTheConnection_With40170_WithoutQuotingTheUrl()
    {
        _answer = _ => (403, "text/plain", "no");
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.AuthUrl = new Uri(_authUrl, "?session=secret-session-value");
        }));
        var ex = await Assert.ThrowsAnyAsync<RealtimeAuthenticationException>(() => client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("40170", ex.ErrorCode);
        Assert.Contains("AuthUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("403", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-session-value", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal(ConnectionState.Failed, client.Connection.State);
    }

    [Fact]
    public async Task ServerError_LeavesTheConnectionDisconnected_AndRetries()
    {
        var fail = true;
        _answer = r => Volatile.Read(ref fail) ? (500, "text/plain", "down") : (200, "application/json", SignedRequestJson(null));
        await using var client = new AblyChannelClient(_emu.Options(o => o.AuthUrl = _authUrl));
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        var ex = await Assert.ThrowsAnyAsync<RealtimeAuthenticationException>(() => client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("40170", ex.ErrorCode);
        var disconnected = await states.NextAsync(ConnectionState.Disconnected);

        Volatile.Write(ref fail, false);
        _emu.Time.Advance(disconnected.RetryAt!.Value - _emu.Time.GetUtcNow());
        await states.NextAsync(ConnectionState.Connected);
        Assert.Equal(2, _requests.Count);
    }

    [Fact]
    public void Options_BadAuthUrlOrMethod_AreRefusedNamingTheOption()
    {
        var ex = Assert.ThrowsAny<RealtimeValidationException>(() => new AblyChannelClient(_emu.Options(o => o.AuthUrl = new Uri("ftp://example.com/t"))));
        Assert.Contains("AuthUrl", ex.Message, StringComparison.Ordinal);
        ex = Assert.ThrowsAny<RealtimeValidationException>(() => new AblyChannelClient(_emu.Options(o => { o.AuthUrl = _authUrl; o.AuthMethod = "PUT"; })));
        Assert.Contains("AuthMethod", ex.Message, StringComparison.Ordinal);
    }
}
