using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class RestVerbTests
{
    [Fact]
    public async Task Put_Object_EchoesAndReadsBack()
    {
        await using var host = await EmulatorHost.StartAsync();
        var put = await host.PutAsync("/users/alice.json", """{"name":"Alice","age":30,"tags":{"a":null}}""");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(DataNode.Parse("""{"name":"Alice","age":30}"""), put.Node);
        var get = await host.GetAsync("/users.json");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal(DataNode.Parse("""{"alice":{"name":"Alice","age":30}}"""), get.Node);
        Assert.StartsWith("application/json", get.Response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Missing_NullWith200()
    {
        await using var host = await EmulatorHost.StartAsync();
        var get = await host.GetAsync("/nothing/here.json");
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("null", get.Body);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("""{"x":null}""")]
    public async Task Put_EmptyValue_DeletesAndPrunesAncestors(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/a/b/c", "1");
        var put = await host.PutAsync("/a/b/c.json", body);
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("null", put.Body);
        Assert.Equal("null", (await host.GetAsync("/.json")).Body);
    }

    [Fact]
    public async Task Post_ReturnsPushIdName_AndStoresChild()
    {
        await using var host = await EmulatorHost.StartAsync();
        var post = await host.PostAsync("/messages.json", """{"text":"hi"}""");
        Assert.Equal(HttpStatusCode.OK, post.Status);
        var name = post.Json.GetProperty("name").GetString()!;
        Assert.Single(post.Json.EnumerateObject());
        Assert.Equal(20, name.Length);
        Assert.All(name, c => Assert.Contains(c, PushIdGenerator.Alphabet));
        Assert.Equal("\"hi\"", (await host.GetAsync($"/messages/{name}/text.json")).Body);
    }

    [Fact]
    public async Task Post_SameMillisecond_IdsIncreaseAndAreDatedByServerClock()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(time: time);
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            names.Add((await host.PostAsync("/list.json", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Json.GetProperty("name").GetString()!);
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Single(names.Select(n => n[..8]).Distinct());
        Assert.Equal(new PushIdGenerator(time).Next()[..8], names[0][..8]);
    }

    [Fact]
    public async Task Patch_MultiPath_AppliedAtomicallyAndEchoed()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/", """{"users":{"alice":{"name":"A","age":1},"bob":{"name":"B"}},"keep":true}""");
        var patch = await host.PatchAsync("/users.json", """{"alice/age":2,"bob":null,"carol/name":"C"}""");
        Assert.Equal(HttpStatusCode.OK, patch.Status);
        Assert.Equal(2, patch.Json.GetProperty("alice/age").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, patch.Json.GetProperty("bob").ValueKind);
        Assert.Equal(DataNode.Parse("""{"users":{"alice":{"name":"A","age":2},"carol":{"name":"C"}},"keep":true}"""), (await host.GetAsync("/.json")).Node);
    }

    [Theory]
    [InlineData("""{"a":1,"a/b":2}""")]
    [InlineData("""{"a/b":1,"a/b":2}""")]
    [InlineData("""{"a/b/c":1,"/a/b/":2}""")]
    public async Task Patch_OverlappingKeys_400AndNothingApplied(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/a", """{"x":1}""");
        var patch = await host.PatchAsync("/.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, patch.Status);
        Assert.Contains("overlap", patch.Error, StringComparison.Ordinal);
        Assert.Equal("""{"a":{"x":1}}""", (await host.GetAsync("/.json")).Body);
    }

    [Theory]
    [InlineData("""{"ok":1,"bad.key":2}""")]
    [InlineData("""{"ok":1,"bad":{"a#b":2}}""")]
    [InlineData("""{"ok":1,"":2}""")]
    [InlineData("[1,2]")]
    [InlineData("42")]
    public async Task Patch_InvalidEntry_400AndNothingApplied(string body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var patch = await host.PatchAsync("/p.json", body);
        Assert.Equal(HttpStatusCode.BadRequest, patch.Status);
        Assert.NotEmpty(patch.Error);
        Assert.Equal("null", (await host.GetAsync("/p.json")).Body);
    }

    [Fact]
    public async Task Delete_ReturnsNullAndRemoves()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/a", """{"b":1,"c":2}""");
        var delete = await host.DeleteAsync("/a/b.json");
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal("null", delete.Body);
        Assert.Equal("""{"c":2}""", (await host.GetAsync("/a.json")).Body);
    }

    [Theory]
    [InlineData("PUT", """{"b":2}""", """{"b":2}""")]
    [InlineData("PATCH", """{"b":2}""", """{"a":1,"b":2}""")]
    [InlineData("DELETE", "", "null")]
    public async Task Post_MethodOverride_ActsAsThatVerb(string verb, string body, string expected)
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/o", """{"a":1}""");
        var reply = await host.SendAsync(HttpMethod.Post, "/o.json", body, r => r.Headers.Add("X-HTTP-Method-Override", verb));
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(DataNode.Parse(expected), (await host.GetAsync("/o.json")).Node);
    }

    [Fact]
    public async Task MethodOverride_OnNonPost_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/o.json", "1", r => r.Headers.Add("X-HTTP-Method-Override", "DELETE"));
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("X-HTTP-Method-Override", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrailingSlashBeforeJson_Tolerated_AndRootIsDotJson()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.PutAsync("/dinosaurs/.json", """{"t":1}""");
        Assert.Equal("""{"dinosaurs":{"t":1}}""", (await host.GetAsync("/.json")).Body);
        Assert.Equal("""{"t":1}""", (await host.GetAsync("/dinosaurs.json")).Body);
    }

    [Fact]
    public async Task Namespace_IsolatesDatabases_AndDefaultIsSeparate()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.PutAsync("/v.json?ns=one", "1");
        await host.PutAsync("/v.json?ns=two", "2");
        await host.PutAsync("/v.json", "0");
        Assert.Equal("1", (await host.GetAsync("/v.json?ns=one")).Body);
        Assert.Equal("2", (await host.GetAsync("/v.json?ns=two")).Body);
        Assert.Equal("0", (await host.GetAsync("/v.json")).Body);
        Assert.Equal(DataNode.Parse("1"), host.Emulator.GetFirebaseDatabase("one").Root.GetAt("v"));
        Assert.Equal(DataNode.Parse("0"), host.Emulator.GetFirebaseDatabase().Root.GetAt("v"));
    }

    [Fact]
    public async Task Namespace_Invalid_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.GetAsync("/v.json?ns=no%20spaces");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("Invalid namespace", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedThroughDatabase_VisibleOverRest()
    {
        await using var host = await EmulatorHost.StartAsync();
        host.Emulator.GetFirebaseDatabase().Set("seeded", DataNode.Parse("""{"x":1}"""));
        Assert.Equal("""{"x":1}""", (await host.GetAsync("/seeded.json")).Body);
    }

    [Theory]
    [InlineData("PUT", "/s.json?print=silent", "1")]
    [InlineData("POST", "/s.json?print=silent", "1")]
    [InlineData("PATCH", "/s.json?print=silent", """{"a":1}""")]
    [InlineData("DELETE", "/s.json?print=silent", null)]
    [InlineData("GET", "/s.json?print=silent", null)]
    public async Task PrintSilent_204WithoutBody(string verb, string url, string? body)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.SendAsync(new HttpMethod(verb), url, body);
        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal(string.Empty, reply.Body);
    }

    [Fact]
    public async Task PrintSilent_WriteStillApplied()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.PutAsync("/s.json?print=silent", "\"x\"");
        Assert.Equal("\"x\"", (await host.GetAsync("/s.json")).Body);
    }

    [Fact]
    public async Task PrintPretty_IndentedJson()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/p", """{"a":{"b":1}}""");
        var reply = await host.GetAsync("/p.json?print=pretty");
        Assert.Contains("\n", reply.Body, StringComparison.Ordinal);
        Assert.Contains("  \"a\"", reply.Body, StringComparison.Ordinal);
        Assert.Equal(DataNode.Parse("""{"a":{"b":1}}"""), reply.Node);
    }

    [Fact]
    public async Task Shallow_ChildrenAsTrue_PrimitivesAsIs()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/", """{"a":{"deep":{"x":1}},"b":"text","n":5}""");
        Assert.Equal(DataNode.Parse("""{"a":true,"b":true,"n":true}"""), (await host.GetAsync("/.json?shallow=true")).Node);
        Assert.Equal("\"text\"", (await host.GetAsync("/b.json?shallow=true")).Body);
        Assert.Equal("null", (await host.GetAsync("/missing.json?shallow=true")).Body);
    }

    [Fact]
    public async Task FormatExport_IncludesPriorities_AndNoArrays()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/", """{"list":[10,20],"leaf":{".value":"v",".priority":3},"obj":{"x":1,".priority":"p"}}""");
        var export = (await host.GetAsync("/.json?format=export")).Json;
        Assert.Equal(System.Text.Json.JsonValueKind.Object, export.GetProperty("list").ValueKind);
        Assert.Equal(20, export.GetProperty("list").GetProperty("1").GetInt32());
        Assert.Equal("v", export.GetProperty("leaf").GetProperty(".value").GetString());
        Assert.Equal(3, export.GetProperty("leaf").GetProperty(".priority").GetInt32());
        Assert.Equal("p", export.GetProperty("obj").GetProperty(".priority").GetString());

        var plain = (await host.GetAsync("/.json")).Json;
        Assert.Equal(System.Text.Json.JsonValueKind.Array, plain.GetProperty("list").ValueKind);
        Assert.Equal("v", plain.GetProperty("leaf").GetString());
        Assert.False(plain.GetProperty("obj").TryGetProperty(".priority", out _));
    }

    [Fact]
    public async Task Priority_PutAndGetDotPriority()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/item", """{"x":1}""");
        var put = await host.PutAsync("/item/.priority.json", "7");
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("7", put.Body);
        Assert.Equal("7", (await host.GetAsync("/item/.priority.json")).Body);
        Assert.Equal("""{"x":1,".priority":7}""", (await host.GetAsync("/item.json?format=export")).Body);
        var bad = await host.PutAsync("/item/.priority.json", "true");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
    }

    [Fact]
    public async Task ServerValue_Timestamp_ResolvedFromServerClock()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(time: time);
        var put = await host.PutAsync("/t.json", """{"at":{".sv":"timestamp"},"nested":{"p":{".value":1,".priority":{".sv":"timestamp"}}}}""");
        var expected = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(expected, put.Json.GetProperty("at").GetInt64());
        Assert.Equal(expected, (await host.GetAsync("/t/at.json")).Json.GetInt64());
        Assert.Equal(expected, (await host.GetAsync("/t/nested/p/.priority.json")).Json.GetInt64());
    }

    [Fact]
    public async Task ServerValue_Increment_AddsToNumber_ElseStartsFromDelta()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/c", """{"n":5,"s":"text"}""");
        const string inc = """{".sv":{"increment":2.5}}""";
        Assert.Equal("7.5", (await host.PutAsync("/c/n.json", inc)).Body);
        Assert.Equal("2.5", (await host.PutAsync("/c/missing.json", inc)).Body);
        Assert.Equal("2.5", (await host.PutAsync("/c/s.json", inc)).Body);
        await host.PatchAsync("/c.json", """{"n":{".sv":{"increment":-1}}}""");
        Assert.Equal("6.5", (await host.GetAsync("/c/n.json")).Body);
    }

    [Fact]
    public async Task ServerValue_Unknown_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/c.json", """{".sv":"nope"}""");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("server value", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Arrays_DenseIntegerKeysReadAsArray_SparseAsObject()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/", """{"dense":{"0":"a","1":"b"},"gap":{"0":"a","3":"b"},"sparse":{"0":"a","4":"b"},"lead":{"01":"x"}}""");
        Assert.Equal("""["a","b"]""", (await host.GetAsync("/dense.json")).Body);
        Assert.Equal("""["a",null,null,"b"]""", (await host.GetAsync("/gap.json")).Body);
        Assert.Equal("""{"0":"a","4":"b"}""", (await host.GetAsync("/sparse.json")).Body);
        Assert.Equal("""{"01":"x"}""", (await host.GetAsync("/lead.json")).Body);
    }

    [Theory]
    [InlineData("/a$b.json")]
    [InlineData("/a%23b.json")]
    [InlineData("/a%5Bb.json")]
    [InlineData("/a%2Fb%2Ec.json")]
    [InlineData("/.info/connected.json")]
    public async Task InvalidKeyInPath_400(string url)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync(url, "1");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.StartsWith("Invalid path", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathTooDeep_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var url = "/" + string.Join('/', Enumerable.Repeat("k", 32)) + ".json";
        var reply = await host.PutAsync(url, "1");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("32 levels", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyTooLong_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/k.json", $$"""{"{{new string('x', 769)}}":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("768", reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PercentEncodedKey_Decoded()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.PutAsync("/caf%C3%A9%20%25.json", "1");
        Assert.Equal(DataNode.Parse("""{"café %":1}"""), (await host.GetAsync("/.json")).Node);
    }

    [Theory]
    [InlineData("/path")]
    [InlineData("/path.xml")]
    [InlineData("/")]
    public async Task NonJsonPath_404WithErrorBody(string url)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.NotEmpty(reply.Error);
    }

    [Fact]
    public async Task ErrorBody_ServiceShape_PrettyWithSpaceBeforeColon()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync("/e.json", "{oops");
        Assert.Equal("{\n  \"error\" : \"Invalid data; couldn't parse JSON object, array, or value.\"\n}\n", reply.Body);
        Assert.StartsWith("application/json", reply.Response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedVerb_405WithAllow()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.SendAsync(new HttpMethod("PROPFIND"), "/a.json", (byte[]?)null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, reply.Status);
        Assert.Contains("PROPFIND", reply.Error, StringComparison.Ordinal);
        Assert.Contains("PATCH", string.Join(",", reply.Response.Content.Headers.Allow), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_CorsPreflight_Allowed()
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.SendAsync(HttpMethod.Options, "/a.json", (byte[]?)null);
        Assert.Equal(HttpStatusCode.NoContent, reply.Status);
        Assert.Equal("*", reply.Response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
