using System.Text.Json;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Auth;

/// <summary>The auth-server side of token authentication: requests signed by the key holder, exchanged by a client that never sees the key.</summary>
public sealed class AblyTokenRequestsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateSignedJson_ExchangedByAClientThroughItsAuthCallback_ConnectsAsTheGrantedClientId()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);
        var key = emulator.AblyKeys[0];
        var json = AblyTokenRequests.CreateSignedJson(key, new AblyTokenParams { ClientId = "browser-user", Capability = """{"room:*":["subscribe","publish"]}""", Ttl = TimeSpan.FromMinutes(5) });

        using (var request = JsonDocument.Parse(json))
        {
            var root = request.RootElement;
            Assert.Equal(key[..key.IndexOf(':', StringComparison.Ordinal)], root.GetProperty("keyName").GetString());
            Assert.Equal("browser-user", root.GetProperty("clientId").GetString());
            Assert.Equal(300_000, root.GetProperty("ttl").GetInt64());
            Assert.False(string.IsNullOrEmpty(root.GetProperty("mac").GetString()));
        }

        Assert.DoesNotContain(key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..], json, StringComparison.Ordinal);

        await using var client = new AblyChannelClient(new AblyChannelClientOptions
        {
            Endpoint = emulator.AblyUrl,
            AuthCallback = (_, _) => ValueTask.FromResult(AblyAuthResult.FromTokenRequestJson(json)),
        });
        await client.Connection.ConnectAsync(Ct);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
        await client.GetChannel("room:1").PublishAsync("m", "x", Ct);
        var denied = await Assert.ThrowsAnyAsync<RealtimeException>(() => client.GetChannel("other").PublishAsync("m", "x", Ct).AsTask());
        Assert.Equal("40160", denied.ErrorCode);
    }

    [Fact]
    public void CreateSignedJson_MalformedKey_IsRefusedWithoutQuotingIt()
    {
        var ex = Assert.ThrowsAny<RealtimeException>(() => AblyTokenRequests.CreateSignedJson("not-a-key-secretvalue"));
        Assert.Equal("40005", ex.ErrorCode);
        Assert.DoesNotContain("secretvalue", ex.Message, StringComparison.Ordinal);

        var capability = Assert.Throws<RealtimeValidationException>(() => AblyTokenRequests.CreateSignedJson("app.key:secret", new AblyTokenParams { Capability = "[1]" }));
        Assert.Contains("capability", capability.Message, StringComparison.OrdinalIgnoreCase);
    }
}
