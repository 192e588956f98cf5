using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class RulesTests
{
    private static async Task<(EmulatorHost Host, Microsoft.Extensions.Time.Testing.FakeTimeProvider Time)> StartAsync(string rules)
    {
        var time = EmulatorHost.NewFakeTime();
        return (await EmulatorHost.StartAsync(o => o.Firebase.Rules = rules, time), time);
    }

    private static string Auth(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, string uid) =>
        "auth=" + TestTokens.Unsigned(TestTokens.User(uid, time.GetUtcNow(), TimeSpan.FromDays(1)));

    [Fact]
    public async Task NoRules_EverythingOpen_NoIndexRequired()
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/a.json", """{"x":{"n":1}}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/a.json?orderBy=%22n%22&limitToFirst=1")).Status);
        var rules = await host.GetAsync("/.settings/rules.json", EmulatorHost.Owner);
        var open = rules.Json.GetProperty("rules");
        Assert.True(open.GetProperty(".read").GetBoolean());
        Assert.True(open.GetProperty(".write").GetBoolean());
    }

    [Fact]
    public async Task Read_GrantCascadesDown_RulesAreNotFilters()
    {
        var (host, _) = await StartAsync("""{"rules":{"public":{".read":true,"deep":{".read":false}},"private":{"open":{".read":true}}}}""");
        await using var _ = host;
        await host.SeedAsync("/", """{"public":{"deep":{"x":1}},"private":{"open":1,"closed":2}}""");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/public/deep/x.json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/private/open.json")).Status);
        var parent = await host.GetAsync("/private.json");
        Assert.Equal(HttpStatusCode.Unauthorized, parent.Status);
        Assert.Equal("Permission denied", parent.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/.json")).Status);
    }

    [Fact]
    public async Task Write_GrantAboveCannotBeRevokedBelow()
    {
        var (host, _) = await StartAsync("""{"rules":{"a":{".write":true,"b":{".write":false}}}}""");
        await using var _ = host;
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/a/b/c.json", "1")).Status);
    }

    [Fact]
    public async Task Write_WildcardCaptureAndData_OwnerOnly()
    {
        const string rules = """
            {"rules":{"posts":{"$id":{".write":"!data.exists() ? newData.child('owner').val() === auth.uid : data.child('owner').val() === auth.uid"}}}}
            """;
        var (host, time) = await StartAsync(rules);
        await using var _ = host;
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"/posts/p1.json?{Auth(time, "alice")}", """{"owner":"alice","t":"x"}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync($"/posts/p1.json?{Auth(time, "bob")}", """{"owner":"bob"}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync($"/posts/p2.json?{Auth(time, "bob")}", """{"owner":"alice"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeleteAsync($"/posts/p1.json?{Auth(time, "alice")}")).Status);
    }

    [Fact]
    public async Task Write_AtParentWithoutGrant_AllowedWhenEveryChangedChildIsGranted()
    {
        var (host, time) = await StartAsync("""{"rules":{"users":{"$uid":{".write":"auth.uid === $uid"}}}}""");
        await using var _ = host;
        await host.SeedAsync("/users", """{"alice":1,"bob":2}""");
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync($"/users.json?{Auth(time, "alice")}", """{"alice":5,"bob":2}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync($"/users.json?{Auth(time, "alice")}", """{"alice":6,"bob":3}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync($"/users.json?{Auth(time, "alice")}", """{"alice":5,"bob":2}""")).Status);
        Assert.Equal("""{"alice":5,"bob":2}""", (await host.GetAsync("/users.json", EmulatorHost.Owner)).Body);
    }

    [Fact]
    public async Task Patch_OnePathDenied_WholePatchRefused()
    {
        var (host, time) = await StartAsync("""{"rules":{"users":{"$uid":{".write":"auth.uid === $uid"}}}}""");
        await using var _ = host;
        var reply = await host.PatchAsync($"/users.json?{Auth(time, "alice")}", """{"alice/name":"A","bob/name":"B"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
        Assert.Equal("Permission denied", reply.Error);
        Assert.Equal("null", (await host.GetAsync("/users.json", EmulatorHost.Owner)).Body);
        Assert.Equal(HttpStatusCode.OK, (await host.PatchAsync($"/users.json?{Auth(time, "alice")}", """{"alice/name":"A","alice/age":3}""")).Status);
    }

    [Fact]
    public async Task Validate_ChecksNewData_NotForDeletes_NotCascading()
    {
        const string rules = """
            {"rules":{".write":true,"profiles":{"$uid":{
              ".validate":"newData.hasChildren(['name','age'])",
              "name":{".validate":"newData.isString() && newData.val().length > 0 && newData.val().length <= 10"},
              "age":{".validate":"newData.isNumber() && newData.val() >= 0"},
              "$other":{".validate":false}}}}}
            """;
        var (host, _) = await StartAsync(rules);
        await using var _ = host;
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/profiles/a.json", """{"name":"Ann","age":3}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/profiles/b.json", """{"name":"Bob"}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/profiles/b.json", """{"name":"Bob","age":-1}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/profiles/b.json", """{"name":"Bob","age":1,"extra":true}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/profiles/b.json", """{"name":"a-very-long-name","age":1}""")).Status);

        // Writing one child validates the parent against the merged new data, which still has both children.
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/profiles/a/age.json", "4")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.DeleteAsync("/profiles/a/age.json")).Status);

        // Deleting the whole profile: no validation of null data.
        Assert.Equal(HttpStatusCode.OK, (await host.DeleteAsync("/profiles/a.json")).Status);
    }

    [Fact]
    public async Task Rules_RootNowAndServerTimestamp()
    {
        const string rules = """
            {"rules":{
              "config":{".read":true},
              "board":{".read":"root.child('config/open').val() === true",
                       ".write":"root.child('config/open').val() === true",
                       "at":{".validate":"newData.val() <= now"}}}}
            """;
        var (host, _) = await StartAsync(rules);
        await using var _ = host;
        await host.SeedAsync("/config", """{"open":false}""");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/board.json")).Status);
        await host.SeedAsync("/config", """{"open":true}""");
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/board.json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/board/at.json", """{".sv":"timestamp"}""")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/board/at.json", "99999999999999")).Status);
    }

    [Fact]
    public async Task QueryBasedRule_OnlyMatchingQueryAllowed()
    {
        const string rules = """
            {"rules":{"items":{".indexOn":["owner"],".read":"query.orderByChild === 'owner' && query.equalTo === auth.uid"}}}
            """;
        var (host, time) = await StartAsync(rules);
        await using var _ = host;
        await host.SeedAsync("/items", """{"i1":{"owner":"alice"},"i2":{"owner":"bob"}}""");
        var mine = await host.GetAsync($"/items.json?orderBy=%22owner%22&equalTo=%22alice%22&{Auth(time, "alice")}");
        Assert.Equal(HttpStatusCode.OK, mine.Status);
        Assert.Equal("""{"i1":{"owner":"alice"}}""", mine.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync($"/items.json?orderBy=%22owner%22&equalTo=%22bob%22&{Auth(time, "alice")}")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync($"/items.json?{Auth(time, "alice")}")).Status);
    }

    [Fact]
    public async Task IndexOn_MissingIndex_400_DefinedIndex_200()
    {
        const string rules = """
            {"rules":{".read":true,".write":true,"scores":{".indexOn":["points","stats/rank"]},"nums":{".indexOn":".value"},"plain":{}}}
            """;
        var (host, _) = await StartAsync(rules);
        await using var _ = host;
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/scores.json?orderBy=%22points%22&limitToFirst=1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/scores.json?orderBy=%22stats/rank%22&limitToFirst=1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/nums.json?orderBy=%22$value%22&limitToFirst=1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/plain.json?orderBy=%22$key%22&limitToFirst=1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/plain.json?orderBy=%22$priority%22&limitToFirst=1")).Status);
        var missing = await host.GetAsync("/plain.json?orderBy=%22height%22&limitToFirst=1");
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("Index not defined, add \".indexOn\": \"height\", for path \"/plain\", to the rules", missing.Error);
        var value = await host.GetAsync("/plain.json?orderBy=%22$value%22");
        Assert.Equal("Index not defined, add \".indexOn\": \".value\", for path \"/plain\", to the rules", value.Error);
    }

    [Fact]
    public async Task SettingsRules_AdminReadsAndReplaces_OthersDenied()
    {
        var (host, _) = await StartAsync("""{"rules":{".read":false,".write":false}}""");
        await using var _ = host;
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/.settings/rules.json")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/.settings/rules.json", """{"rules":{".read":true}}""")).Status);
        Assert.Contains("\".read\":false", (await host.GetAsync("/.settings/rules.json", EmulatorHost.Owner)).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/x.json")).Status);

        const string open = """
            {
              // comments are allowed, as in rules files
              "rules": { ".read": true, ".write": "auth != null" }
            }
            """;
        var put = await host.PutAsync("/.settings/rules.json", open, EmulatorHost.Owner);
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(open, (await host.GetAsync("/.settings/rules.json", EmulatorHost.Owner)).Body);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/x.json")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.PutAsync("/x.json", "1")).Status);
    }

    [Fact]
    public async Task SettingsRules_PerNamespace()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.PutAsync("/.settings/rules.json?ns=locked", """{"rules":{".read":false}}""", EmulatorHost.Owner);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/x.json?ns=locked")).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/x.json?ns=other")).Status);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"rules":{".read":"auth.uid ==="}}""", "/rules/.read")]
    [InlineData("""{"rules":{".read":"unknownVar == 1"}}""", "unknown variable 'unknownVar'")]
    [InlineData("""{"rules":{".read":"newData.exists()"}}""", "unknown variable 'newData'")]
    [InlineData("""{"rules":{"a":{".write":"$uid == 'x'"}}}""", "unknown variable '$uid'")]
    [InlineData("""{"rules":{".reed":true}}""", "unknown rule \".reed\"")]
    [InlineData("""{"rules":{"$a":{},"$b":{}}}""", "only one wildcard")]
    [InlineData("""{"rules":{".indexOn":5}}""", ".indexOn")]
    [InlineData("""{"rulez":{}}""", "unknown top-level key")]
    [InlineData("""{"rules":{".read":"'a'.matches(/(/)"}}""", "invalid regular expression")]
    public async Task SettingsRules_Invalid_400AndOldRulesKept(string rules, string expected)
    {
        await using var host = await EmulatorHost.StartAsync();
        var put = await host.PutAsync("/.settings/rules.json", rules, EmulatorHost.Owner);
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.Contains(expected, put.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/x.json", "1")).Status);
    }

    [Fact]
    public async Task RulesFile_LoadedAtStart()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{"rules":{"open":{".read":true}}}""", TestContext.Current.CancellationToken);
            await using var host = await EmulatorHost.StartAsync(o => o.Firebase.RulesFile = file);
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/open.json")).Status);
            Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/closed.json")).Status);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task StartAsync_InvalidRules_ThrowsValidationNamingLocation()
    {
        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => RealtimeEmulator.StartAsync(
            new EmulatorOptions { Firebase = { Port = 0, Rules = """{"rules":{"a":{".write":"1 +"}}}""" } },
            TestContext.Current.CancellationToken));
        Assert.Contains("/rules/a/.write", error.Message, StringComparison.Ordinal);
    }
}
