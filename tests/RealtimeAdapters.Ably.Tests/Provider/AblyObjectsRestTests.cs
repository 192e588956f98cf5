using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using RealtimeAdapters.Emulator;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>
/// The emulator's LiveObjects REST API (<c>GET/POST /channels/{channel}/object</c>) beside a realtime store on the same
/// channel: reads match the store's tree, published operations reach the store's watches, MAP_CLEAR empties a map, and bad
/// requests get the service's codes.
/// </summary>
public sealed class AblyObjectsRestTests : AblyEmulatorTest
{
    private const string Channel = "rest-objects";

    /// <summary>GET compact is the tree the store holds; GET full names object ids and typed entries; a path or an object id narrows it.</summary>
    [Fact]
    public async Task Get_AfterStoreWrites_CompactAndFullViewsMatchTheTree()
    {
        await using var store = Store();
        await store.SetAsync("todos", DataNode.Parse("""{"t1":{"title":"milk","done":false,"n":2}}"""), Ct);
        using var http = Http();

        var compact = await GetAsync(http, "object");
        Assert.Equal((await store.GetAsync(RealtimePath.Root, Ct)).Node.ToJsonString(), DataNode.FromJson(compact).ToJsonString());
        Assert.Equal("milk", (await GetAsync(http, "object?path=todos.t1.title")).GetString());

        var full = await GetAsync(http, "object?compact=false&path=todos");
        var id = full.GetProperty("objectId").GetString()!;
        Assert.StartsWith("map:", id, StringComparison.Ordinal);
        Assert.Equal("LWW", full.GetProperty("map").GetProperty("semantics").GetString());
        var t1 = full.GetProperty("map").GetProperty("entries").GetProperty("t1").GetProperty("data");
        Assert.Equal(2, t1.GetProperty("map").GetProperty("entries").GetProperty("n").GetProperty("data").GetProperty("number").GetDouble());
        Assert.Equal("""{"t1":{"done":false,"n":2,"title":"milk"}}""", DataNode.FromJson(await GetAsync(http, "object/" + Uri.EscapeDataString(id))).ToJsonString());
    }

    /// <summary>A POSTed batch (a set by wildcard path, a create at a path, a remove) is one change for the store's watch, and the answer names the objects.</summary>
    [Fact]
    public async Task Post_Batch_ReachesTheStoresWatchAsOneChange()
    {
        await using var store = Store();
        await store.SetAsync("votes", DataNode.Parse("""{"a":{"n":1},"b":{"n":1},"old":true}"""), Ct);
        await using var watch = new SubscriptionReader<StoreEvent>(await store.WatchAsync("votes", cancellationToken: Ct), Wait, Ct);
        await watch.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the initial value");
        using var http = Http();

        var answer = await PostAsync(http, """
            [
              {"path": "votes.*", "mapSet": {"key": "n", "value": {"number": 5}}},
              {"path": "votes.c", "mapCreate": {"semantics": 0, "entries": {"n": {"data": {"number": 7}}}}},
              {"path": "votes", "mapRemove": {"key": "old"}}
            ]
            """);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(Channel, answer.Body.GetProperty("channel").GetString());
        Assert.Equal(4, answer.Body.GetProperty("objectIds").GetArrayLength()); // a, b, the new c, and votes (named once)
        var change = await watch.ReadUntilAsync(static e => e.Kind == StoreEventKind.Value, "the batch's value");
        Assert.Equal("""{"a":{"n":5},"b":{"n":5},"c":{"n":7}}""", change[^1].Snapshot.ToJsonString());
    }

    /// <summary>MAP_CLEAR (the service's operation, published here through REST) empties a map for every client; the maps it held are deleted.</summary>
    [Fact]
    public async Task Post_MapClear_EmptiesTheMapForTheStore()
    {
        await using var store = Store();
        await store.SetAsync("room", DataNode.Parse("""{"a":1,"b":{"c":2}}"""), Ct);
        await store.SetAsync("keep", 1, Ct);
        var maps = store.Replica.LiveMapCount;
        using var http = Http();

        var answer = await PostAsync(http, """{"path": "room", "mapClear": {}}""");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("""{"keep":1}""", (await store.GetAsync(RealtimePath.Root, Ct)).Node.ToJsonString());
        Assert.Equal(maps - 1, store.Replica.LiveMapCount);
        await store.SetAsync("room/d", 3, Ct);
        Assert.Equal("""{"d":3}""", (await store.GetAsync("room", Ct)).Node.ToJsonString());
    }

    /// <summary>Bad requests get the service's codes and change nothing.</summary>
    [Fact]
    public async Task Requests_Invalid_RefusedWithTheServicesCodes()
    {
        using var http = Http();
        var unknown = await http.GetAsync(new Uri("channels/never-used/object", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("92004", unknown.Headers.GetValues("X-Ably-ErrorCode").Single());

        await using var store = Store();
        await store.SetAsync("p/q", 1, Ct);
        var removed = (await GetAsync(http, "object?compact=false&path=p")).GetProperty("objectId").GetString()!;
        await store.RemoveAsync("p", Ct);

        Assert.Equal(92006, (await PostAsync(http, """{"mapSet": {"key": "k", "value": {"string": "v"}}}""")).Code);
        Assert.Equal(92005, (await PostAsync(http, """{"path": "nothing.here", "mapSet": {"key": "k", "value": {"string": "v"}}}""")).Code);
        Assert.Equal(92002, (await PostAsync(http, $"{{\"objectId\": \"{removed}\", \"mapSet\": {{\"key\": \"k\", \"value\": {{\"string\": \"v\"}}}}}}")).Code);
        Assert.Equal(92007, (await PostAsync(http, """{"path": "a.*", "counterCreate": {"count": 1}}""")).Code);
        Assert.Equal(92000, (await PostAsync(http, """[{"path": "", "mapSet": {"key": "ok", "value": {"string": "v"}}}, {"path": "", "nothing": {}}]""")).Code);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    private AblyRealtimeStore Store()
    {
        var options = ClientOptions();
        options.StoreChannel = Channel;
        return new AblyRealtimeStore(options);
    }

    private HttpClient Http()
    {
        var http = new HttpClient { BaseAddress = Emulator.AblyUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Emulator.AblyKeys[0])));
        return http;
    }

    private static async Task<JsonElement> GetAsync(HttpClient http, string relative)
    {
        using var response = await http.GetAsync(new Uri($"channels/{Channel}/{relative}", UriKind.Relative), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body, int? Code)> PostAsync(HttpClient http, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri($"channels/{Channel}/object", UriKind.Relative), content, Ct);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        int? code = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error) ? error.GetProperty("code").GetInt32() : null;
        return (response.StatusCode, body, code);
    }
}
