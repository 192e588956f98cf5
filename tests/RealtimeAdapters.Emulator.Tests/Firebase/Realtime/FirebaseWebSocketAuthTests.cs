using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Firebase.Realtime.RealtimeWireClient;

namespace RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

/// <summary>Credentials and rules over the realtime protocol: auth, gauth, unauth, revoked listens and expiring credentials.</summary>
public class FirebaseWebSocketAuthTests
{
    private const string Secret = "ws-signing-secret";

    private const string Rules = """
        {
          "rules": {
            "users": { "$uid": { ".read": "auth != null && auth.uid === $uid", ".write": "auth != null && auth.uid === $uid" } },
            "shared": { ".read": "root.child('open').val() === true", ".write": true },
            "open": { ".write": true },
            "presence": { "$uid": { ".write": "auth != null && auth.uid === $uid", ".read": true } }
          }
        }
        """;

    private static Task<EmulatorHost> StartAsync(FakeTimeProvider time, ILoggerFactory? logs = null) =>
        EmulatorHost.StartAsync(o =>
        {
            o.Firebase.Rules = Rules;
            o.Firebase.TokenSecret = Secret;
            o.LoggerFactory = logs;
        }, time);

    private static JsonObject Cred(string token) => new() { ["cred"] = token };

    [Fact]
    public async Task UnsignedToken_RulesSeeItsUid_AndAnSdkMockTokenFrom1970IsAccepted()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        // What connectDatabaseEmulator(..., { mockUserToken: { sub: 'alice' } }) sends: iat 0, exp 3600.
        var mock = TestTokens.Unsigned(new Dictionary<string, object> { ["sub"] = "alice", ["user_id"] = "alice", ["iat"] = 0, ["exp"] = 3600 });
        Assert.Equal("ok", Status((await client.RequestAsync("auth", Cred(mock))).Answer));

        Assert.Equal("ok", Status((await client.RequestAsync("p", Body("""{"p":"/users/alice/n","d":1}"""))).Answer));
        var (denied, _) = await client.RequestAsync("p", Body("""{"p":"/users/bob/n","d":1}"""));
        Assert.Equal("permission_denied", Status(denied));
        Assert.Equal("Permission denied", (string?)denied["d"]);
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.GetAt("users/bob").IsNull);
    }

    [Fact]
    public async Task Hs256Token_Accepted_WrongSecretOrGarbage_InvalidToken_NeverQuoted()
    {
        var time = EmulatorHost.NewFakeTime();
        var lines = new ConcurrentQueue<string>();
        using var logs = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider(lines)));
        await using var host = await StartAsync(time, logs);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        var good = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow()), Secret);
        var forged = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow()), "not-the-secret");

        var (accepted, _) = await client.RequestAsync("auth", Cred(good));
        var (refused, _) = await client.RequestAsync("auth", Cred(forged));
        var (garbage, _) = await client.RequestAsync("auth", Cred("garbage-credential"));
        var (afterRefusal, _) = await client.RequestAsync("p", Body("""{"p":"/users/alice/n","d":1}"""));

        Assert.Equal("ok", Status(accepted));
        Assert.Equal("invalid_token", Status(refused));
        Assert.Equal("invalid_token", Status(garbage));
        Assert.Equal("permission_denied", Status(afterRefusal));
        Assert.DoesNotContain(forged, refused.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("garbage-credential", garbage.ToJsonString(), StringComparison.Ordinal);
        await client.CloseAsync();
        await host.DisposeAsync();
        Assert.DoesNotContain(lines, l => l.Contains(good, StringComparison.Ordinal) || l.Contains(forged, StringComparison.Ordinal) || l.Contains("garbage-credential", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GauthOwner_IsAdmin_AuthvarActsAsThatUser_NoauthAsNobody_UnauthDropsIt()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        await client.RequestAsync("gauth", Cred("owner"));
        var (admin, _) = await client.RequestAsync("p", Body("""{"p":"/anywhere","d":1}"""));
        await client.RequestAsync("gauth", new JsonObject { ["cred"] = "owner", ["authvar"] = new JsonObject { ["uid"] = "svc" } });
        var (asSvc, _) = await client.RequestAsync("p", Body("""{"p":"/users/svc/n","d":1}"""));
        var (asSvcElsewhere, _) = await client.RequestAsync("p", Body("""{"p":"/users/bob/n","d":1}"""));
        await client.RequestAsync("gauth", new JsonObject { ["cred"] = "owner", ["noauth"] = true });
        var (nobody, _) = await client.RequestAsync("p", Body("""{"p":"/users/svc/n","d":2}"""));
        await client.RequestAsync("gauth", Cred("owner"));
        await client.RequestAsync("unauth", null);
        var (afterUnauth, _) = await client.RequestAsync("p", Body("""{"p":"/anywhere","d":2}"""));

        Assert.Equal(["ok", "ok", "permission_denied", "permission_denied", "permission_denied"], new[] { admin, asSvc, asSvcElsewhere, nobody, afterUnauth }.Select(Status));
    }

    [Fact]
    public async Task Listen_RefusedByRules_PermissionDeniedWithoutData()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        await host.SeedAsync("/users/bob", """{"n":1}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (answer, before) = await client.RequestAsync("q", Body("""{"p":"/users/bob","h":""}"""));

        Assert.Equal("permission_denied", Status(answer));
        Assert.Empty(before);
    }

    [Fact]
    public async Task Listen_RulesStopAllowingIt_RevokedBeforeTheWritesPushes_TaggedNamedByItsQuery()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        await host.SeedAsync("/", """{"open":true,"shared":{"a":1}}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/shared","h":""}"""));
        await client.RequestAsync("q", Body("""{"p":"/shared","q":{"l":1,"vf":"r"},"t":3,"h":""}"""));

        // One write both changes the data and closes the read: the listens are revoked and get none of it.
        var (answer, before) = await client.RequestAsync("m", Body("""{"p":"/","d":{"open":false,"shared/a":2}}"""));

        Assert.Equal("ok", Status(answer));
        Assert.Equal(2, before.Count);
        Assert.All(before, m => Assert.Equal("c", (string?)m["d"]!["a"]));
        Assert.Contains(before, m => m["d"]!["b"]!.ToJsonString() == """{"p":"/shared"}""");
        Assert.Contains(before, m => m["d"]!["b"]!.ToJsonString() == """{"p":"/shared","q":[{"l":1,"vf":"r"}]}""");
        Assert.Empty((await client.RequestAsync("p", Body("""{"p":"/shared/a","d":3}"""))).Before);
    }

    [Fact]
    public async Task Listen_RevokedWhenTheRulesAreReplaced()
    {
        await using var host = await StartAsync(EmulatorHost.NewFakeTime());
        await host.SeedAsync("/presence/a", "true");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        Assert.Equal("ok", Status((await client.RequestAsync("q", Body("""{"p":"/presence/a","h":""}"""))).Answer));

        var reply = await host.SendAsync(HttpMethod.Put, "/.settings/rules.json", """{"rules":{".read":false,".write":false}}""", EmulatorHost.Owner);
        Assert.Equal(HttpStatusCode.OK, reply.Status);

        var revoked = await client.PushAsync();
        Assert.Equal("""{"a":"c","b":{"p":"/presence/a"}}""", revoked.ToJsonString());
    }

    [Fact]
    public async Task ExpiringCredential_RevokedWithAc_ThenItsListensWithC()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        await host.SeedAsync("/users/alice", """{"n":1}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        var token = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow(), TimeSpan.FromMinutes(5)), Secret);
        await client.RequestAsync("auth", Cred(token));
        Assert.Equal("ok", Status((await client.RequestAsync("q", Body("""{"p":"/users/alice","h":""}"""))).Answer));

        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("""{"a":"ac","b":{"s":"expired_token","d":"Auth token is expired."}}""", (await client.PushAsync()).ToJsonString());
        Assert.Equal("""{"a":"c","b":{"p":"/users/alice"}}""", (await client.PushAsync()).ToJsonString());
        Assert.Equal("permission_denied", Status((await client.RequestAsync("p", Body("""{"p":"/users/alice/n","d":2}"""))).Answer));
    }

    [Fact]
    public async Task ExpiredSignedToken_ExpiredToken()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        var token = TestTokens.Hs256(TestTokens.User("alice", time.GetUtcNow() - TimeSpan.FromHours(2)), Secret);

        var (answer, _) = await client.RequestAsync("auth", Cred(token));

        Assert.Equal("expired_token", Status(answer));
    }

    [Fact]
    public async Task ReAuthOnTheOpenSocket_ListensTheNewUserCannotReadAreRevoked()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("auth", Cred(TestTokens.Unsigned(TestTokens.User("alice", time.GetUtcNow()))));
        await client.RequestAsync("q", Body("""{"p":"/users/alice","h":""}"""));

        var (answer, before) = await client.RequestAsync("auth", Cred(TestTokens.Unsigned(TestTokens.User("bob", time.GetUtcNow()))));

        Assert.Equal("ok", Status(answer));
        Assert.Equal("""{"a":"c","b":{"p":"/users/alice"}}""", Assert.Single(before)["d"]!.ToJsonString());
    }

    [Fact]
    public async Task OnDisconnect_RulesCheckedWhenRegistered()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await StartAsync(time);
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("auth", Cred(TestTokens.Unsigned(TestTokens.User("alice", time.GetUtcNow()))));

        var (own, _) = await client.RequestAsync("o", Body("""{"p":"/presence/alice","d":null}"""));
        var (other, _) = await client.RequestAsync("o", Body("""{"p":"/presence/bob","d":null}"""));
        var (otherMerge, _) = await client.RequestAsync("om", Body("""{"p":"/presence","d":{"alice":false,"bob":false}}"""));

        Assert.Equal("ok", Status(own));
        Assert.Equal("permission_denied", Status(other));
        Assert.Equal("permission_denied", Status(otherMerge));
    }
}
