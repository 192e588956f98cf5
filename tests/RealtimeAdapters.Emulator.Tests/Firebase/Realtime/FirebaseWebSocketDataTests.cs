using System.Net;
using System.Text.Json.Nodes;
using RealtimeAdapters.Emulator.Tests.Infrastructure;
using static RealtimeAdapters.Emulator.Tests.Firebase.Realtime.RealtimeWireClient;

namespace RealtimeAdapters.Emulator.Tests.Firebase.Realtime;

/// <summary>Listens, writes, transactions and gets over the realtime protocol, in the order the SDKs rely on.</summary>
public class FirebaseWebSocketDataTests
{
    private static void AssertPush(JsonObject message, string action, string path, string json, long? tag = null)
    {
        Assert.Equal("d", (string?)message["t"]);
        var push = message["d"]!;
        Assert.Equal(action, (string?)push["a"]);
        Assert.Equal(path, (string?)push["b"]!["p"]);
        Assert.Equal(tag, (long?)push["b"]!["t"]);
        if (action == "m")
        {
            // A merge's keys are relative paths: compare entry by entry.
            var expected = JsonNode.Parse(json)!.AsObject();
            var actual = push["b"]!["d"]!.AsObject();
            Assert.Equal(expected.Select(e => e.Key).Order(StringComparer.Ordinal), actual.Select(e => e.Key).Order(StringComparer.Ordinal));
            foreach (var (key, value) in expected)
            {
                Assert.Equal(DataNode.FromJsonNode(value), DataNode.FromJsonNode(actual[key]));
            }
        }
        else
        {
            Assert.Equal(DataNode.Parse(json), DataNode.FromJsonNode(push["b"]!["d"]));
        }
    }

    [Fact]
    public async Task Listen_DataPushedBeforeOk()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/items", """{"a":{"score":3},"b":{"score":1}}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (answer, before) = await client.RequestAsync("q", Body("""{"p":"/items","h":""}"""));

        Assert.Equal("ok", Status(answer));
        Assert.Equal("{}", answer["d"]!.ToJsonString());
        AssertPush(Assert.Single(before), "d", "/items", """{"a":{"score":3},"b":{"score":1}}""");
    }

    [Fact]
    public async Task Listen_HashOfWhatTheClientHas_NoDataSent()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/v", """{"v":1}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (same, sameBefore) = await client.RequestAsync("q", Body("""{"p":"/v","h":"LjeXjzTaaVqwN8qlkUuwnS01bqc="}"""));
        var (empty, emptyBefore) = await client.RequestAsync("q", Body("""{"p":"/nothing","h":""}"""));
        var (stale, staleBefore) = await client.RequestAsync("q", Body("""{"p":"/v/v","h":"w28swksk9+tXf5jEdS9R5oSFAv8="}"""));

        Assert.Equal("ok", Status(same));
        Assert.Empty(sameBefore);
        Assert.Equal("ok", Status(empty));
        Assert.Empty(emptyBefore);
        Assert.Equal("ok", Status(stale));
        AssertPush(Assert.Single(staleBefore), "d", "/v/v", "1");
    }

    [Fact]
    public async Task Put_ChangePushedToTheWritersListenBeforeOk()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/items", """{"a":{"score":3},"b":{"score":1}}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/items","h":""}"""));

        var (answer, before) = await client.RequestAsync("p", Body("""{"p":"/items/b/score","d":4}"""));

        Assert.Equal("ok", Status(answer));
        Assert.Equal(string.Empty, (string?)answer["d"]);
        AssertPush(Assert.Single(before), "d", "/items/b/score", "4");
    }

    [Fact]
    public async Task WritesAboveAndBesideAListen_ScopedToTheListenedLocation()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/room","h":""}"""));

        var (_, above) = await client.RequestAsync("p", Body("""{"p":"/","d":{"room":{"z":9},"secret":1}}"""));
        var (_, beside) = await client.RequestAsync("p", Body("""{"p":"/other","d":2}"""));
        var (_, mergeAbove) = await client.RequestAsync("m", Body("""{"p":"/","d":{"room/a":1,"secret":2}}"""));

        AssertPush(Assert.Single(above), "d", "/room", """{"z":9}""");
        Assert.Empty(beside);
        AssertPush(Assert.Single(mergeAbove), "m", "/room", """{"a":1}""");
    }

    [Fact]
    public async Task MultiPathMerge_OneMergePush_AtomicAndWithServerValues()
    {
        var time = EmulatorHost.NewFakeTime();
        await using var host = await EmulatorHost.StartAsync(time: time);
        await host.SeedAsync("/", """{"users":{"a":{"n":1}},"count":5}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/","h":""}"""));

        var (answer, before) = await client.RequestAsync(
            "m", Body("""{"p":"/","d":{"users/a/n":2,"users/b":{"n":3},"count":{".sv":{"increment":2}},"at":{".sv":"timestamp"}}}"""));

        Assert.Equal("ok", Status(answer));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        AssertPush(Assert.Single(before), "m", "/", $$"""{"users/a/n":2,"users/b":{"n":3},"count":7,"at":{{now}}}""");
    }

    [Fact]
    public async Task Merge_OverlappingKeys_RefusedAndNothingChanged()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (answer, _) = await client.RequestAsync("m", Body("""{"p":"/","d":{"a":1,"a/b":2}}"""));

        Assert.Equal("invalid_data", Status(answer));
        Assert.True(host.Emulator.GetFirebaseDatabase().Root.IsNull);
    }

    [Fact]
    public async Task Priorities_SetAndMergedAndPushedInExportForm()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/p","h":""}"""));

        var (_, set) = await client.RequestAsync("p", Body("""{"p":"/p/a","d":{".value":"x",".priority":1}}"""));
        var (_, priority) = await client.RequestAsync("p", Body("""{"p":"/p/a/.priority","d":2}"""));
        var (_, merged) = await client.RequestAsync("m", Body("""{"p":"/p","d":{"a/.priority":3,"b":true}}"""));

        AssertPush(Assert.Single(set), "d", "/p/a", """{".value":"x",".priority":1}""");
        AssertPush(Assert.Single(priority), "d", "/p/a", """{".value":"x",".priority":2}""");
        AssertPush(Assert.Single(merged), "d", "/p", """{"a":{".value":"x",".priority":3},"b":true}""");
    }

    [Fact]
    public async Task Transaction_HashMatches_Applied_HashStale_DatastaleAndUnchanged()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/counter", "5");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/counter","h":""}"""));

        var (stale, staleBefore) = await client.RequestAsync("p", Body("""{"p":"/counter","d":1,"h":""}"""));
        var (fresh, freshBefore) = await client.RequestAsync("p", Body("""{"p":"/counter","d":6,"h":"w28swksk9+tXf5jEdS9R5oSFAv8="}"""));

        Assert.Equal("datastale", Status(stale));
        Assert.Empty(staleBefore);
        Assert.Equal("ok", Status(fresh));
        AssertPush(Assert.Single(freshBefore), "d", "/counter", "6");
        Assert.Equal(6, host.Emulator.GetFirebaseDatabase().Root.GetChild("counter").GetNumber());
    }

    [Fact]
    public async Task Transaction_ChangedByAnotherClient_NewDataPushedBeforeDatastale()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/counter","h":""}"""));
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/counter.json", "1")).Status);

        var (answer, before) = await client.RequestAsync("p", Body("""{"p":"/counter","d":1,"h":""}"""));

        Assert.Equal("datastale", Status(answer));
        AssertPush(Assert.Single(before), "d", "/counter", "1");
    }

    [Fact]
    public async Task TaggedLimitedQuery_WindowKeptExactAsChildrenEnterAndLeave()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/q", """{"a":{"s":3},"b":{"s":1},"c":{"s":2}}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (ok, initial) = await client.RequestAsync("q", Body("""{"p":"/q","q":{"l":2,"vf":"l","i":"s"},"t":1,"h":""}"""));
        var (_, entering) = await client.RequestAsync("p", Body("""{"p":"/q/d","d":{"s":0}}"""));
        var (_, outside) = await client.RequestAsync("p", Body("""{"p":"/q/a/s","d":9}"""));
        var (_, changing) = await client.RequestAsync("p", Body("""{"p":"/q/d/x","d":true}"""));
        var (_, leaving) = await client.RequestAsync("p", Body("""{"p":"/q/d","d":null}"""));

        Assert.Equal("ok", Status(ok));
        AssertPush(Assert.Single(initial), "d", "/q", """{"b":{"s":1},"c":{"s":2}}""", tag: 1);
        AssertPush(Assert.Single(entering), "m", "/q", """{"d":{"s":0},"c":null}""", tag: 1);
        Assert.Empty(outside);
        AssertPush(Assert.Single(changing), "m", "/q", """{"d":{"s":0,"x":true}}""", tag: 1);
        AssertPush(Assert.Single(leaving), "m", "/q", """{"d":null,"c":{"s":2}}""", tag: 1);
    }

    [Theory]
    [InlineData("""{"sp":2,"sn":"[MAX_NAME]","sin":false,"i":"s"}""", """{"a":{"s":3}}""")] // startAfter(2)
    [InlineData("""{"ep":2,"en":"[MIN_NAME]","ein":false,"i":"s"}""", """{"b":{"s":1},"x":7}""")] // endBefore(2): x has no s (null)
    [InlineData("""{"ep":2,"en":"c0","ein":false,"i":"s"}""", """{"b":{"s":1},"c":{"s":2},"x":7}""")] // endBefore(2, "c0")
    [InlineData("""{"sp":"b","sin":false,"i":".key"}""", """{"c":{"s":2},"c0":{"s":2},"x":7}""")] // orderByKey().startAfter("b")
    [InlineData("""{"sp":2,"sin":true,"ep":2,"ein":true,"i":"s"}""", """{"c":{"s":2},"c0":{"s":2}}""")] // equalTo(2)
    [InlineData("""{"sp":null,"sn":"b","sin":true,"i":".value","l":1,"vf":"r"}""", """{"c0":{"s":2}}""")] // orderByValue().startAt(null,"b").limitToLast(1)
    [InlineData("""{"l":1,"vf":"r"}""", """{"x":7}""")] // limitToLast(1), priority order
    public async Task QueryShapes_AsTheSdkSendsThem(string query, string expected)
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/q", """{"a":{"s":3},"b":{"s":1},"c":{"s":2},"c0":{"s":2},"x":7}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (_, before) = await client.RequestAsync("q", Body($$"""{"p":"/q","q":{{query}},"t":5,"h":""}"""));
        var (get, _) = await client.RequestAsync("g", Body($$"""{"p":"/q","q":{{query}}}"""));

        AssertPush(Assert.Single(before), "d", "/q", expected, tag: 5);
        Assert.Equal(DataNode.Parse(expected), DataNode.FromJsonNode(get["d"]));
    }

    [Fact]
    public async Task UnindexedQuery_ServedWithANoIndexWarning()
    {
        await using var host = await EmulatorHost.StartAsync(o => o.Firebase.Rules = """{"rules":{".read":true,".write":true,"i":{".indexOn":"s"}}}""");
        await host.SeedAsync("/q", """{"a":{"s":2},"b":{"s":1}}""");
        await host.SeedAsync("/i", """{"a":{"s":2},"b":{"s":1}}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (unindexed, data) = await client.RequestAsync("q", Body("""{"p":"/q","q":{"l":1,"vf":"l","i":"s"},"t":1,"h":""}"""));
        var (indexed, _) = await client.RequestAsync("q", Body("""{"p":"/i","q":{"l":1,"vf":"l","i":"s"},"t":2,"h":""}"""));

        Assert.Equal("""{"w":["no_index"]}""", unindexed["d"]!.ToJsonString());
        AssertPush(Assert.Single(data), "d", "/q", """{"b":{"s":1}}""", tag: 1);
        Assert.Equal("{}", indexed["d"]!.ToJsonString());
    }

    [Fact]
    public async Task Unlisten_StopsPushes()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/a","h":""}"""));
        await client.RequestAsync("q", Body("""{"p":"/a","q":{"l":1,"vf":"l","i":".key"},"t":2,"h":""}"""));

        await client.RequestAsync("n", Body("""{"p":"/a"}"""));
        var (_, tagged) = await client.RequestAsync("p", Body("""{"p":"/a/k","d":1}"""));
        await client.RequestAsync("n", Body("""{"p":"/a","q":{"l":1,"vf":"l","i":".key"},"t":2}"""));
        var (_, none) = await client.RequestAsync("p", Body("""{"p":"/a/j","d":1}"""));

        AssertPush(Assert.Single(tagged), "m", "/a", """{"k":1}""", tag: 2);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Get_ValueInTheAnswerWithoutPush_NullWhenMissing()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/g", """{"x":{".value":1,".priority":"p"}}""");
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);

        var (answer, before) = await client.RequestAsync("g", Body("""{"p":"/g","q":{}}"""));
        var (missing, _) = await client.RequestAsync("g", Body("""{"p":"/nothing","q":{}}"""));

        Assert.Empty(before);
        Assert.Equal("ok", Status(answer));
        Assert.Equal(DataNode.Parse("""{"x":{".value":1,".priority":"p"}}"""), DataNode.FromJsonNode(answer["d"]));
        Assert.Equal("ok", Status(missing));
        Assert.True(missing.ContainsKey("d"));
        Assert.Null(missing["d"]);
    }

    [Fact]
    public async Task RestWriteReachesWebSocketListener_WebSocketWriteReachesSseStream_ETagsAgree()
    {
        await using var host = await EmulatorHost.StartAsync();
        await using var client = await ConnectAsync(host.Emulator.FirebaseUrl);
        await client.RequestAsync("q", Body("""{"p":"/shared","h":""}"""));
        await using var stream = await host.OpenStreamAsync("/shared.json");
        await stream.NextAsync();

        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/shared/rest.json", "1")).Status);
        AssertPush(await client.ReceiveAsync() ?? throw new InvalidOperationException(), "d", "/shared/rest", "1");
        Assert.Equal("put", (await stream.NextAsync()).Event);

        await client.RequestAsync("p", Body("""{"p":"/shared/ws","d":2}"""));
        var e = await stream.NextAsync();
        Assert.Equal("/ws", e.Path);
        Assert.Equal(2, e.Value.GetNumber());

        // The same value has the same ETag whichever front end wrote it: a REST conditional write after a WebSocket one.
        var etag = (await host.GetAsync("/shared/ws.json", r => r.Headers.Add("X-Firebase-ETag", "true"))).ETag!;
        Assert.Equal(HttpStatusCode.OK, (await host.PutAsync("/shared/ws.json", "3", r => r.Headers.TryAddWithoutValidation("if-match", etag))).Status);
        var last = await client.ReceiveAsync() ?? throw new InvalidOperationException();
        AssertPush(last, "d", "/shared/ws", "3");
    }
}
