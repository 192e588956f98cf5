using System.Text;
using RealtimeAdapters.Ably.Auth;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Ably.Protocol.Auth;
using RealtimeAdapters.Ably.Tests.Auth;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>The client on token auth: signed TokenRequests, an auth callback, renewal on token errors and server AUTH.</summary>
public sealed class AblyTokenAuthTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private AuthEmulator _emu = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _emu = await AuthEmulator.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _emu.DisposeAsync();

    // What an application's backend does for its clients: sign a TokenRequest with the key.
    private string SignedRequestJson(AblyTokenParams p)
    {
        var request = TokenRequestSigner.CreateSigned(_emu.ApiKey, _emu.Time, p.Ttl is { } t ? (long)t.TotalMilliseconds : null, p.Capability, p.ClientId);
        return Encoding.UTF8.GetString(AblyCodec.EncodeTokenRequest(request, WireFormat.Json));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseTokenAuth_ConnectsPublishesAndReadsHistory_WithoutSendingTheSecret(bool binary)
    {
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.Key = _emu.Key;
            o.UseTokenAuth = true;
            o.UseBinaryProtocol = binary;
            o.ClientId = "tok";
        }));
        var channel = client.GetChannel("tokens");
        var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await channel.PublishAsync("n", "hello", Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("tok", reader.Current.ClientId);
        var history = await channel.GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal("hello", Assert.Single(history.Items).Data.AsString());
    }

    [Fact]
    public async Task ServerAuth_BeforeExpiry_RenewsThroughCallback_WithoutDisconnecting()
    {
        var calls = 0;
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.TokenParams = new AblyTokenParams { Ttl = TimeSpan.FromSeconds(20) };
            o.AuthCallback = (p, _) =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(SignedRequestJson(p)));
            };
        }));
        await client.Connection.ConnectAsync(Ct);
        var id = client.ConnectionId;
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        Assert.Equal(1, calls);

        // The emulator sends AUTH shortly before the token expires (RTN22); the client answers with a new token and the
        // server confirms with a CONNECTED that updates the live connection.
        var updated = ((Realtime.AblyRealtimeConnection)client.Connection).NextUpdateAsync();
        Assert.True(await _emu.Emulator.AblyFaults.RequestReauthAsync(id!));
        await updated.WaitAsync(Wait, Ct);
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
        Assert.Equal(id, client.ConnectionId);
        Assert.False(states.MoveNextAsync().AsTask().IsCompleted, "no state change: the connection stayed up");

        // The new token is in use: the connection outlives the first token's expiry.
        _emu.Time.Advance(TimeSpan.FromSeconds(21));
        await client.GetChannel("still").PublishAsync("n", "up", Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal(id, client.ConnectionId);
    }

    [Fact]
    public async Task TokenErrorWhileConnected_RenewsOnce_AndResumes()
    {
        var calls = 0;
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.AuthCallback = (p, _) =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(SignedRequestJson(p)));
            };
        }));
        await client.Connection.ConnectAsync(Ct);
        var id = client.ConnectionId!;
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);

        Assert.True(await _emu.Emulator.AblyFaults.DisconnectAsync(id, 40142, "Token expired"));
        var disconnected = await states.NextAsync(ConnectionState.Disconnected);
        Assert.IsType<RealtimeAuthenticationException>(disconnected.Reason);
        Assert.Equal("40142", disconnected.Reason.ErrorCode);
        await states.NextAsync(ConnectionState.Connected);
        Assert.Equal(2, calls);
        Assert.Equal(id, client.ConnectionId);
    }

    [Fact]
    public async Task TokenErrorWithFixedToken_Fails40171_NoBlindRetry()
    {
        string token;
        using (var http = new HttpClient())
        using (var authorizer = new AblyAuthorizer(_emu.Options(o => { o.Key = _emu.Key; o.UseTokenAuth = true; }), http))
        {
            token = (await authorizer.GetCredentialAsync(renew: false, Ct)).AccessToken!;
        }

        await using var client = new AblyChannelClient(_emu.Options(o => o.Token = token));
        await client.Connection.ConnectAsync(Ct);
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        var pending = client.GetChannel("x").PublishAsync("n", "queued?", Ct).AsTask();
        Assert.True(await _emu.Emulator.AblyFaults.DisconnectAsync(client.ConnectionId!, 40142, "Token expired"));

        var failed = await states.NextAsync(ConnectionState.Failed);
        Assert.Equal("40171", failed.Reason?.ErrorCode);
        Assert.DoesNotContain(token, failed.Reason!.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<RealtimeException>(() => client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        _ = pending;
    }

    [Fact]
    public async Task AuthCallbackFails_ConnectionDisconnectedWith40170_AndRetries()
    {
        var fail = true;
        await using var client = new AblyChannelClient(_emu.Options(o =>
        {
            o.AuthCallback = (p, _) => Volatile.Read(ref fail)
                ? throw new InvalidOperationException("backend down")
                : ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(SignedRequestJson(p)));
        }));
        var states = client.Connection.WatchState().GetAsyncEnumerator(Ct);
        var ex = await Assert.ThrowsAnyAsync<RealtimeAuthenticationException>(() => client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("40170", ex.ErrorCode);
        var disconnected = await states.NextAsync(ConnectionState.Disconnected);
        Assert.NotNull(disconnected.RetryAt);

        Volatile.Write(ref fail, false);
        _emu.Time.Advance(disconnected.RetryAt.Value - _emu.Time.GetUtcNow());
        await states.NextAsync(ConnectionState.Connected);
    }
}
