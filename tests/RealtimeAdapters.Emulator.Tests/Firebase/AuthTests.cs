using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class AuthTests
{
    private const string Secret = "test-signing-secret";

    private const string UserRules = """
        {
          "rules": {
            "users": {
              "$uid": {
                ".read": "auth != null && auth.uid === $uid",
                ".write": "auth != null && auth.uid === $uid"
              }
            },
            "staff": { ".read": "auth.token.email.endsWith('@example.com') && auth.token.email_verified == true" },
            "provider": { ".read": "auth.provider === 'password'" }
          }
        }
        """;

    private static Task<EmulatorHost> StartAsync(Microsoft.Extensions.Time.Testing.FakeTimeProvider time) =>
        EmulatorHost.StartAsync(o =>
        {
            o.Firebase.Rules = UserRules;
            o.Firebase.TokenSecret = Secret;
        }, time);

    [Fact]
    public async Task BearerOwner_IsAdmin_BypassesRules()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/anything.json", "1", EmulatorHost.Owner)).Status);
        Assert.Equal("1", (await host.GetAsync("/anything.json", EmulatorHost.Owner)).Body);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/anything.json?access_token=owner")).Status);
    }

    [Fact]
    public async Task NoCredential_RulesDeny_401PermissionDenied()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        var reply = await host.GetAsync("/users/alice.json");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Permission denied", reply.Error);
    }

    [Fact]
    public async Task UnsignedToken_UidSeenByRules()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        var token = TestTokens.Unsigned(TestTokens.User("alice", time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"/users/alice.json?auth={token}", """{"n":1}""")).Status);
        Assert.Equal("""{"n":1}""", (await host.GetAsync($"/users/alice.json?auth={token}")).Body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync($"/users/bob.json?auth={token}", "1")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync($"/users/bob.json?auth={token}")).Status);
    }

    [Fact]
    public async Task Hs256Token_SignedWithSecret_Accepted_AsBearerToo()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        var token = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow()), Secret);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"/users/alice.json?auth={token}", "1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/users/alice.json", r => r.Headers.Authorization = new("Bearer", token))).Status);
    }

    [Fact]
    public async Task Hs256Token_WrongSecret_401CouldNotParse()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        var token = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow()), "another-secret");
        var reply = await host.GetAsync($"/users/alice.json?auth={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Could not parse auth token.", reply.Error);
        Assert.DoesNotContain(Secret, reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hs256Token_NoSecretConfigured_401()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = UserRules, time);
        var token = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow()), Secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync($"/users/alice.json?auth={token}")).Status);
    }

    [Fact]
    public async Task ExpiredToken_401AuthTokenIsExpired()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        var token = TestTokens.Unsigned(TestTokens.User("alice", time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"/users/alice.json?auth={token}")).Status);
        time.Advance(TimeSpan.FromMinutes(5));
        var reply = await host.GetAsync($"/users/alice.json?auth={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Auth token is expired", reply.Error);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJ1aWQiOjF9.")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln")]
    public async Task MalformedToken_401CouldNotParse(string token)
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        var reply = await host.GetAsync($"/public.json?auth={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Could not parse auth token.", reply.Error);
        Assert.DoesNotContain(token, reply.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenClaims_VisibleAsAuthTokenAndProvider()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        var claims = (Dictionary<string, object?>)TestTokens.User("alice", time.GetUtcNow(), email: "alice@example.com");
        var unverified = TestTokens.Unsigned(claims);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync($"/staff.json?auth={unverified}")).Status);
        claims["email_verified"] = true;
        var verified = TestTokens.Unsigned(claims);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"/staff.json?auth={verified}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"/provider.json?auth={verified}")).Status);
    }

    [Fact]
    public async Task SecretAsAuth_IsLegacyAdmin()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"/x.json?auth={Secret}", "1")).Status);
    }

    [Fact]
    public async Task AuthVariableOverride_AdminRunsAsThatUser_NonAdmin401()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        var asAlice = Uri.EscapeDataString("""{"uid":"alice"}""");
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"/users/alice.json?auth_variable_override={asAlice}", "1", EmulatorHost.Owner)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync($"/users/bob.json?auth_variable_override={asAlice}", "1", EmulatorHost.Owner)).Status);
        var token = TestTokens.Unsigned(TestTokens.User("alice", time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync($"/users/alice.json?auth={token}&auth_variable_override={asAlice}")).Status);
    }

    [Fact]
    public async Task EmptyAuthParameter_Anonymous()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """{"rules":{"open":{".read":"auth == null"}}}""");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/open.json?auth=")).Status);
    }

    [Fact]
    public async Task AuthorizationHeader_NotBearer_401()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        var reply = await host.GetAsync("/x.json", r => r.Headers.TryAddWithoutValidation("Authorization", "Basic abc"));
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
    }
}
