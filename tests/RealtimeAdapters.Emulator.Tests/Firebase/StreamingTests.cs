using System.Net;
using System.Text.Json;
using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Infrastructure.StreamAssert;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class StreamingTests
{
    [Fact]
    public async Task Stream_FirstEvent_PutOfWholeValueAtRoot()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/room", """{"a":1,"b":{"c":2}}""");
        await using var stream = await host.OpenStreamAsync("/room.json");
        Assert.Equal(HttpStatusCode.OK, stream.Status);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        AssertEvent(await stream.NextAsync(), "put", "/", """{"a":1,"b":{"c":2}}""");
    }

    [Fact]
    public async Task Stream_Empty_FirstPutIsNull()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/nothing.json");
        var first = await stream.NextAsync();
        Assert.Equal("put", first.Event);
        Assert.Equal(JsonValueKind.Null, first.Data.GetProperty("data").ValueKind);
    }

    [Fact]
    public async Task Stream_WritesBelowAndAbove_PutsRelativeToListenedPath()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/room", """{"a":1}""");
        await using var stream = await host.OpenStreamAsync("/room.json");
        await stream.NextAsync();

        await host.PutAsync("/room/b/c.json", "2");
        AssertEvent(await stream.NextAsync(), "put", "/b/c", "2");

        await host.PutAsync("/.json", """{"room":{"z":9},"other":1}""");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"z":9}""");

        await host.DeleteAsync("/room/z.json");
        AssertEvent(await stream.NextAsync(), "put", "/z", "null");

        var name = (await host.PostAsync("/room.json", "\"pushed\"")).Json.GetProperty("name").GetString();
        AssertEvent(await stream.NextAsync(), "put", "/" + name, "\"pushed\"");
        Assert.Equal(DataNode.Parse($$"""{"{{name}}":"pushed"}"""), stream.Cache);
    }

    [Fact]
    public async Task Stream_MultiPathPatchAbove_OnePatchWithRelativeMultiSegmentKeys()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/", """{"users":{"a":{"name":"A"},"b":{"name":"B"}},"other":1}""");
        await using var stream = await host.OpenStreamAsync("/users.json");
        await stream.NextAsync();

        await host.PatchAsync("/.json", """{"users/a/name":"A2","users/b":null,"users/c/name":"C","other":2}""");
        AssertPatch(await stream.NextAsync(), "/", ("a/name", "\"A2\""), ("b", "null"), ("c/name", "\"C\""));
        Assert.Equal(DataNode.Parse("""{"a":{"name":"A2"},"c":{"name":"C"}}"""), stream.Cache);
    }

    [Fact]
    public async Task Stream_PatchAtAndBelowListenedPath_PatchEvents()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/users.json");
        await stream.NextAsync();

        await host.PatchAsync("/users.json", """{"a":1,"b/c":2}""");
        AssertPatch(await stream.NextAsync(), "/", ("a", "1"), ("b/c", "2"));

        await host.PatchAsync("/users/b.json", """{"d":3}""");
        AssertEvent(await stream.NextAsync(), "patch", "/b", """{"d":3}""");
        Assert.Equal(DataNode.Parse("""{"a":1,"b":{"c":2,"d":3}}"""), stream.Cache);
    }

    [Fact]
    public async Task Stream_PatchReplacingListenedPath_PutOfWholeValue()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/users", """{"a":1}""");
        await using var stream = await host.OpenStreamAsync("/users/a.json");
        await stream.NextAsync();
        await host.PatchAsync("/.json", """{"users":{"a":{"x":1}},"z":1}""");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"x":1}""");
    }

    [Fact]
    public async Task Stream_UnrelatedAndNoOpWrites_NoEvents()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/watched", "1");
        await using var stream = await host.OpenStreamAsync("/watched.json");
        await stream.NextAsync();
        await host.PutAsync("/elsewhere.json", "1");
        await host.PutAsync("/watchedSibling.json", "1");
        await host.PutAsync("/watched.json", "1");
        await host.PutAsync("/watched.json", "2");
        AssertEvent(await stream.NextAsync(), "put", "/", "2");
    }

    [Fact]
    public async Task Stream_KeepAlive_AtConfiguredInterval()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.KeepAliveInterval = TimeSpan.FromSeconds(5), time);
        await using var stream = await host.OpenStreamAsync("/k.json");
        await stream.NextAsync();
        time.Advance(TimeSpan.FromSeconds(4));
        await host.PutAsync("/k.json", "1");
        AssertEvent(await stream.NextAsync(), "put", "/", "1");
        time.Advance(TimeSpan.FromSeconds(1));
        var keepAlive = await stream.NextAsync();
        Assert.Equal("keep-alive", keepAlive.Event);
        Assert.Equal(JsonValueKind.Null, keepAlive.Data.ValueKind);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("keep-alive", (await stream.NextAsync()).Event);
    }

    [Fact]
    public async Task Stream_KeepAlive_DefaultThirtySeconds()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(time: time);
        await using var stream = await host.OpenStreamAsync("/k.json");
        await stream.NextAsync();
        time.Advance(TimeSpan.FromSeconds(29));
        await host.PutAsync("/k.json", "1");
        Assert.Equal("put", (await stream.NextAsync()).Event);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("keep-alive", (await stream.NextAsync()).Event);
    }

    [Fact]
    public async Task Stream_RulesReplacedToDeny_CancelPermissionDeniedThenEnds()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/secret.json");
        await stream.NextAsync();
        await host.PutAsync("/.settings/rules.json", """{"rules":{".read":false,".write":true}}""", EmulatorHost.Owner);
        var cancel = await stream.NextAsync();
        Assert.Equal("cancel", cancel.Event);
        Assert.Equal("Permission denied", cancel.Data.GetString());
        await stream.AssertEndsAsync();
    }

    [Fact]
    public async Task Stream_DataChangeRevokesRead_Cancel()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """
            {"rules":{"board":{".read":"root.child('open').val() === true"},".write":true}}
            """);
        await host.SeedAsync("/", """{"open":true,"board":{"x":1}}""");
        await using var stream = await host.OpenStreamAsync("/board.json");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"x":1}""");
        await host.PutAsync("/board/x.json", "2");
        AssertEvent(await stream.NextAsync(), "put", "/x", "2");
        await host.PutAsync("/open.json", "false");
        var cancel = await stream.NextAsync();
        Assert.Equal("cancel", cancel.Event);
        await stream.AssertEndsAsync();
    }

    [Fact]
    public async Task Stream_TokenExpires_AuthRevokedThenEnds()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """{"rules":{".read":"auth != null"}}""", time);
        var token = TestTokens.Unsigned(TestTokens.User("alice", time.GetUtcNow(), TimeSpan.FromMinutes(60)));
        await using var stream = await host.OpenStreamAsync($"/x.json?auth={token}");
        Assert.Equal("put", (await stream.NextAsync()).Event);
        time.Advance(TimeSpan.FromMinutes(59));
        await host.SeedAsync("/x", "1");
        Assert.Equal("put", (await stream.NextDataAsync()).Event);
        time.Advance(TimeSpan.FromMinutes(1));
        var revoked = await stream.NextDataAsync();
        Assert.Equal("auth_revoked", revoked.Event);
        Assert.Contains("credential is no longer valid", revoked.Data.GetString(), StringComparison.Ordinal);
        await stream.AssertEndsAsync();

        await using var again = await host.OpenStreamAsync($"/x.json?auth={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, again.Status);
    }

    [Fact]
    public async Task Stream_Denied_401JsonErrorNotAStream()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """{"rules":{".read":false}}""");
        await using var stream = await host.OpenStreamAsync("/x.json");
        Assert.Equal(HttpStatusCode.Unauthorized, stream.Status);
        Assert.Contains("Permission denied", await stream.Response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_AdminOwnerHeader_ReadsDespiteRules()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """{"rules":{".read":false}}""");
        await host.SeedAsync("/x", "1");
        await using var stream = await host.OpenStreamAsync("/x.json", EmulatorHost.Owner);
        AssertEvent(await stream.NextAsync(), "put", "/", "1");
    }

    [Fact]
    public async Task Stream_BadQuery_400()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/x.json?limitToFirst=2");
        Assert.Equal(HttpStatusCode.BadRequest, stream.Status);
    }

    [Fact]
    public async Task Stream_QueryWindow_DeliversChangesOfItsWindow()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/scores", """{"a":{"p":1},"b":{"p":5},"c":{"p":9}}""");
        await using var stream = await host.OpenStreamAsync("/scores.json?orderBy=%22p%22&limitToLast=2");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"b":{"p":5},"c":{"p":9}}""");

        // A change outside the window sends nothing; the next event is the one that enters the window.
        await host.PutAsync("/scores/a/p.json", "2");
        await host.PutAsync("/scores/d.json", """{"p":7}""");
        var entered = await stream.NextAsync();
        Assert.Equal("patch", entered.Event);
        Assert.Equal(DataNode.Parse("""{"c":{"p":9},"d":{"p":7}}"""), stream.Cache);

        await host.PutAsync("/scores/c/p.json", "10");
        AssertEvent(await stream.NextAsync(), "put", "/c", """{"p":10}""");

        await host.DeleteAsync("/scores/c.json");
        await stream.WaitForCacheAsync(DataNode.Parse("""{"b":{"p":5},"d":{"p":7}}"""));

        await host.DeleteAsync("/scores.json");
        AssertEvent(await stream.NextAsync(), "put", "/", "null");
    }

    [Fact]
    public async Task Stream_QueryRange_EnterAndLeave()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/t", """{"x":{"v":"a"},"y":{"v":"m"}}""");
        await using var stream = await host.OpenStreamAsync("/t.json?orderBy=%22v%22&startAt=%22b%22&endAt=%22n%22");
        AssertEvent(await stream.NextAsync(), "put", "/", """{"y":{"v":"m"}}""");
        await host.PutAsync("/t/x/v.json", "\"c\"");
        AssertEvent(await stream.NextAsync(), "put", "/x", """{"v":"c"}""");
        await host.PutAsync("/t/y/v.json", "\"z\"");
        AssertEvent(await stream.NextAsync(), "put", "/y", "null");
    }

    [Fact]
    public async Task Stream_OrderByWithoutFilter_BehavesAsPlainStream()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/t.json?orderBy=%22$key%22");
        await stream.NextAsync();
        await host.PutAsync("/t/a/b.json", "1");
        AssertEvent(await stream.NextAsync(), "put", "/a/b", "1");
    }

    [Fact]
    public async Task Stream_Namespaces_Isolated()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/x.json?ns=one");
        await stream.NextAsync();
        await host.PutAsync("/x.json?ns=two", "2");
        await host.PutAsync("/x.json", "0");
        await host.PutAsync("/x.json?ns=one", "1");
        AssertEvent(await stream.NextAsync(), "put", "/", "1");
    }

    [Fact]
    public async Task Stream_WriteThroughDatabaseApi_Delivered()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var stream = await host.OpenStreamAsync("/x.json");
        await stream.NextAsync();
        host.Emulator.GetFirebaseDatabase().Update("/", new Dictionary<string, DataNode> { ["x/a"] = 1, ["x/b"] = 2 });
        AssertPatch(await stream.NextAsync(), "/", ("a", "1"), ("b", "2"));
    }

    [Fact]
    public async Task Stream_ExportFormat_IncludesPriorities()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/p", """{".value":1,".priority":3}""");
        await using var stream = await host.OpenStreamAsync("/p.json?format=export");
        var first = await stream.NextAsync();
        Assert.Equal(3, first.Data.GetProperty("data").GetProperty(".priority").GetInt32());
    }

    [Fact]
    public async Task Stream_EmulatorStops_StreamEnds()
    {
        var host = await EmulatorHost.StartAsync();
        var stream = await host.OpenStreamAsync("/x.json");
        try
        {
            await stream.NextAsync();
            var dispose = host.Emulator.DisposeAsync().AsTask();
            await stream.AssertEndsAsync();
            await dispose.WaitAsync(EmulatorHost.Timeout, TestContext.Current.CancellationToken);
        }
        finally
        {
            await stream.DisposeAsync();
            await host.DisposeAsync();
        }
    }
}
