using System.Net;
using RealtimeAdapters.Emulator.Tests.Infrastructure;

namespace RealtimeAdapters.Emulator.Tests.Firebase;

public class QueryTests
{
    private const string Scores = """
        {"alice":{"points":30,"team":"red"},"bob":{"points":10,"team":"blue"},"carol":{"points":20,"team":"red"},
         "dave":{"team":"blue"},"erin":{"points":"high"}}
        """;

    private static async Task<EmulatorHost> SeededAsync()
    {
        var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/scores", Scores);
        await host.SeedAsync("/nums", """{"a":3,"b":1,"c":2,"d":true,"e":"x"}""");
        await host.SeedAsync("/prio", """{"a":{".value":1,".priority":5},"b":{".value":2,".priority":"z"},"c":3,"d":{".value":4,".priority":1}}""");
        return host;
    }

    private static async Task<string[]> KeysAsync(EmulatorHost host, string url)
    {
        var reply = await host.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        return reply.Node.Children.Keys.Order(KeyComparer.Instance).ToArray();
    }

    [Theory]
    [InlineData("/scores.json?orderBy=%22$key%22&limitToFirst=2", new[] { "alice", "bob" })]
    [InlineData("/scores.json?orderBy=%22$key%22&limitToLast=2", new[] { "dave", "erin" })]
    [InlineData("/scores.json?orderBy=%22$key%22&startAt=%22bob%22&endAt=%22dave%22", new[] { "bob", "carol", "dave" })]
    [InlineData("/scores.json?orderBy=%22$key%22&equalTo=%22carol%22", new[] { "carol" })]
    [InlineData("/scores.json?orderBy=%22points%22&limitToFirst=2", new[] { "dave", "bob" })]
    [InlineData("/scores.json?orderBy=%22points%22&startAt=15&endAt=30", new[] { "alice", "carol" })]
    [InlineData("/scores.json?orderBy=%22points%22&limitToLast=1", new[] { "erin" })]
    [InlineData("/scores.json?orderBy=%22team%22&equalTo=%22red%22", new[] { "alice", "carol" })]
    [InlineData("/scores.json?orderBy=%22points%22&equalTo=null", new[] { "dave" })]
    [InlineData("/nums.json?orderBy=%22$value%22&startAt=2", new[] { "a", "c", "e" })]
    [InlineData("/nums.json?orderBy=%22$value%22&limitToFirst=2", new[] { "d", "b" })]
    [InlineData("/nums.json?orderBy=%22$value%22&equalTo=true", new[] { "d" })]
    [InlineData("/prio.json?orderBy=%22$priority%22&limitToFirst=2", new[] { "c", "d" })]
    [InlineData("/prio.json?orderBy=%22$priority%22&startAt=%22a%22", new[] { "b" })]
    [InlineData("/prio.json?orderBy=%22$priority%22&startAt=2&endAt=10", new[] { "a" })]
    public async Task Get_Query_SelectsWindow(string url, string[] expected)
    {
        await using var host = await SeededAsync();
        Assert.Equal(expected.Order(KeyComparer.Instance), await KeysAsync(host, url));
    }

    [Fact]
    public async Task Get_OrderByNestedChildPath()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/d", """{"x":{"r":{"pos":2}},"y":{"r":{"pos":1}},"z":{"r":{"pos":3}}}""");
        Assert.Equal(["y"], await KeysAsync(host, "/d.json?orderBy=%22r/pos%22&limitToFirst=1"));
    }

    [Fact]
    public async Task Get_OrderByOnly_WholeValue()
    {
        await using var host = await SeededAsync();
        Assert.Equal(DataNode.Parse(Scores), (await host.GetAsync("/scores.json?orderBy=%22$key%22")).Node);
    }

    [Fact]
    public async Task Get_QueryOnLeaf_Null()
    {
        await using var host = await SeededAsync();
        Assert.Equal("null", (await host.GetAsync("/nums/a.json?orderBy=%22$key%22&limitToFirst=1")).Body);
    }

    [Theory]
    [InlineData("/scores.json?limitToFirst=1", "orderBy must be defined when other query parameters are defined")]
    [InlineData("/scores.json?startAt=1", "orderBy must be defined when other query parameters are defined")]
    [InlineData("/scores.json?orderBy=points", "orderBy must be a valid JSON encoded path")]
    [InlineData("/scores.json?orderBy=%22%22", "orderBy must be a valid JSON encoded path")]
    [InlineData("/scores.json?orderBy=%22a..b%22", "orderBy must be a valid JSON encoded path")]
    [InlineData("/scores.json?orderBy=%22$key%22&startAt=1", "Constraint key field must be a valid key name")]
    [InlineData("/scores.json?orderBy=%22$key%22&equalTo=%22a/b%22", "Constraint key field must be a valid key name")]
    [InlineData("/scores.json?orderBy=%22points%22&startAt=%7B%7D", "Constraint index field must be a JSON primitive")]
    [InlineData("/scores.json?orderBy=%22points%22&startAt=abc", "Constraint index field must be a JSON primitive")]
    [InlineData("/scores.json?orderBy=%22points%22&limitToFirst=0", "limitToFirst must be a positive integer")]
    [InlineData("/scores.json?orderBy=%22points%22&limitToLast=x", "limitToLast must be a positive integer")]
    [InlineData("/scores.json?orderBy=%22points%22&limitToFirst=1&limitToLast=1", "Only one of limitToFirst and limitToLast")]
    [InlineData("/scores.json?orderBy=%22points%22&equalTo=1&startAt=1", "equalTo cannot be combined")]
    [InlineData("/scores.json?orderBy=%22$priority%22&startAt=true", "priority")]
    [InlineData("/scores.json?shallow=true&orderBy=%22$key%22", "shallow cannot be combined")]
    public async Task Get_BadQuery_400(string url, string expected)
    {
        await using var host = await SeededAsync();
        var reply = await host.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(expected, reply.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_PlusInEqualTo_LiteralWithFirebaseDecoding_SpaceWithout()
    {
        await using var host = await EmulatorHost.StartAsync();
        await host.SeedAsync("/t", """{"plus":{"v":"a+b"},"space":{"v":"a b"},"quote":{"v":"say \"hi\""}}""");
        const string url = "/t.json?orderBy=%22v%22&equalTo=%22a+b%22";
        Assert.Equal(["plus"], (await host.GetAsync(url, r => r.Headers.Add("X-Firebase-Decoding", "1"))).Node.Children.Keys);
        Assert.Equal(["space"], (await host.GetAsync(url)).Node.Children.Keys);
        Assert.Equal(["plus"], (await host.GetAsync("/t.json?orderBy=%22v%22&equalTo=%22a%2Bb%22")).Node.Children.Keys);
        Assert.Equal(["quote"], (await host.GetAsync("/t.json?orderBy=%22v%22&equalTo=%22say%20%5C%22hi%5C%22%22")).Node.Children.Keys);
    }

    [Theory]
    [InlineData("/a.json?unknown=1", "unknown parameter \"unknown\"")]
    [InlineData("/a.json?print=loud", "Invalid print parameter")]
    [InlineData("/a.json?shallow=maybe", "Invalid shallow parameter")]
    [InlineData("/a.json?format=xml", "Invalid format parameter")]
    [InlineData("/a.json?timeout=forever", "Invalid timeout")]
    [InlineData("/a.json?timeout=16min", "Invalid timeout")]
    [InlineData("/a.json?writeSizeLimit=huge", "Invalid writeSizeLimit")]
    [InlineData("/a.json?print=pretty&print=silent", "more than once")]
    [InlineData("/a.json?ns=a&ns=b", "more than once")]
    public async Task Get_BadParameter_400(string url, string expected)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(expected, reply.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/a.json?timeout=500ms")]
    [InlineData("/a.json?timeout=3s")]
    [InlineData("/a.json?timeout=15min")]
    [InlineData("/a.json?writeSizeLimit=unlimited")]
    [InlineData("/a.json?disableTriggers=true")]
    public async Task Get_AcceptedParameters_200(string url)
    {
        await using var host = await EmulatorHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync(url)).Status);
    }

    [Theory]
    [InlineData("/a.json?orderBy=%22$key%22")]
    [InlineData("/a.json?shallow=true")]
    [InlineData("/a.json?format=export")]
    public async Task Put_WithReadParameters_400(string url)
    {
        await using var host = await EmulatorHost.StartAsync();
        var reply = await host.PutAsync(url, "1");
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains("reads only", reply.Error, StringComparison.Ordinal);
    }
}
