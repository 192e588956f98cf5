using System.Text.Json;
using System.Text.Json.Nodes;

namespace RealtimeAdapters.Ably.Tests.Interop;

/// <summary>
/// The C# provider and the official ably-js SDK (tests/interop, in a node child process) on one emulator, in both
/// directions: messages, presence and history. Each case runs with every pairing of wire formats (the C# client's, then
/// ably-js's), so the emulator also relays between a JSON and a msgpack connection.
/// </summary>
public sealed class AblyJsInteropTests(AblyJsInteropFixture fixture) : IClassFixture<AblyJsInteropFixture>
{
    private static readonly TimeSpan Wait = AblyJsPeer.Wait;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AblyJsPeer Peer => fixture.Peer;

    /// <summary>ably-js publishes the messages (name, data, extras) in one call.</summary>
    private Task<JsonElement> PublishFromJsAsync(string js, string channelName, IEnumerable<ChannelMessage> messages) =>
        Peer.SendAsync("publish", new JsonObject
        {
            ["client"] = js,
            ["channel"] = channelName,
            ["messages"] = new JsonArray(messages.Select(m => (JsonNode)new JsonObject
            {
                ["name"] = m.Name,
                ["data"] = ToWire(m.Data),
                ["extras"] = m.Extras is { } extras ? JsonNode.Parse(extras.GetRawText()) : null,
            }).ToArray()),
        });

    /// <summary>Every payload kind, unicode, a null name and extras.</summary>
    private static ChannelMessage[] SampleMessages() =>
    [
        new("greeting", "héllo wörld ✓ 日本"),
        new("bytes", new byte[] { 0, 1, 2, 127, 128, 254, 255 }),
        new("object", Json("""{"n":1.5,"count":42,"list":[1,"two",true,null],"nested":{"deep":"yes"}}""")),
        new("array", Json("[1,2,3]")),
        new(null, "nameless"),
        new("empty", MessageData.None),
        new("headers", "with extras") { Extras = Json("""{"headers":{"trace":"abc-123"}}""") },
    ];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task PublishAsync_FromCSharp_AblyJsReceivesSameMessages(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("cs-to-js");
        var js = await ConnectJsAsync(clientId: null, jsBinary);
        var jsFiltered = await ConnectJsAsync(clientId: null, jsBinary);
        await Peer.SendAsync("subscribe", new JsonObject { ["client"] = js, ["channel"] = channelName });
        await Peer.SendAsync("subscribe", new JsonObject { ["client"] = jsFiltered, ["channel"] = channelName, ["event"] = "bytes" });
        await using var client = fixture.CreateClient(fixture.Unique("cs-publisher"), csharpBinary);
        var channel = client.GetChannel(channelName);

        var sent = SampleMessages();
        foreach (var message in sent)
        {
            await channel.PublishAsync(message, Ct).AsTask().WaitAsync(Wait, Ct);
        }

        var received = await Peer.WaitForMessagesAsync(js, channelName, sent.Length);
        for (var i = 0; i < sent.Length; i++)
        {
            var got = received[i].GetProperty("message");
            Assert.Equal(sent[i].Name, got.GetProperty("name").GetString());
            Assert.Equal(sent[i].Data, FromWire(got.GetProperty("data")));
            Assert.Equal(client.ClientId, got.GetProperty("clientId").GetString());
            Assert.False(string.IsNullOrEmpty(got.GetProperty("connectionId").GetString()));
            AssertExtras(sent[i].Extras, got.GetProperty("extras"));
        }

        var filtered = await Peer.WaitForMessagesAsync(jsFiltered, channelName, 1);
        Assert.Equal("bytes", filtered[0].GetProperty("message").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public async Task Encrypted_SameKeyOnBothSides_PlaintextBothWays(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("cipher");
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var js = await ConnectJsAsync(clientId: null, jsBinary);
        await Peer.SendAsync("setCipher", new JsonObject { ["client"] = js, ["channel"] = channelName, ["key"] = key });
        await Peer.SendAsync("subscribe", new JsonObject { ["client"] = js, ["channel"] = channelName });
        await using var client = new AblyChannelClient(new AblyChannelClientOptions
        {
            Endpoint = fixture.Emulator.AblyUrl,
            Key = fixture.Emulator.AblyKeys[0],
            UseBinaryProtocol = csharpBinary,
            EchoMessages = false,
            ChannelCipherKeys = { [channelName] = key },
        });
        var channel = client.GetChannel(channelName);
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct).AsTask().WaitAsync(Wait, Ct);
        ChannelMessage[] sent =
        [
            new("text", "secret ✓"),
            new("bytes", new byte[] { 0, 1, 2, 255 }),
            new("object", Json("""{"plan":"attack at dawn"}""")),
        ];

        foreach (var message in sent)
        {
            await channel.PublishAsync(message, Ct).AsTask().WaitAsync(Wait, Ct);
        }

        var atJs = await Peer.WaitForMessagesAsync(js, channelName, sent.Length);
        for (var i = 0; i < sent.Length; i++)
        {
            Assert.Equal(sent[i].Data, FromWire(atJs[i].GetProperty("message").GetProperty("data")));
        }

        await PublishFromJsAsync(js, channelName, sent);
        var atCSharp = await TakeAsync(subscription, sent.Length);
        Assert.Equal(sent.Select(m => m.Data), atCSharp.Select(m => m.Data));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task PublishAsync_FromAblyJs_CSharpSubscriberReceivesSameMessages(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("js-to-cs");
        await using var client = fixture.CreateClient(clientId: null, csharpBinary);
        var channel = client.GetChannel(channelName);
        await using var all = await channel.SubscribeAsync(cancellationToken: Ct).AsTask().WaitAsync(Wait, Ct);
        await using var filtered = await channel.SubscribeAsync(new ChannelSubscriptionOptions { EventNames = ["object", "headers"] }, Ct).AsTask().WaitAsync(Wait, Ct);
        var jsClientId = fixture.Unique("js-publisher");
        var (js, jsConnectionId) = await ConnectJsCoreAsync(jsClientId, jsBinary);

        var sent = SampleMessages();
        await PublishFromJsAsync(js, channelName, sent);

        var received = await TakeAsync(all, sent.Length);
        for (var i = 0; i < sent.Length; i++)
        {
            Assert.Equal(sent[i].Name, received[i].Name);
            Assert.Equal(sent[i].Data, received[i].Data);
            Assert.Equal(jsClientId, received[i].ClientId);
            Assert.Equal(jsConnectionId, received[i].ConnectionId);
            Assert.False(string.IsNullOrEmpty(received[i].Id));
            Assert.NotNull(received[i].Timestamp);
            if (sent[i].Extras is { } extras)
            {
                Assert.NotNull(received[i].Extras);
                Assert.True(JsonElement.DeepEquals(extras, received[i].Extras!.Value), $"extras: {received[i].Extras}");
            }
        }

        var onlySome = await TakeAsync(filtered, 2);
        Assert.Equal(["object", "headers"], onlySome.Select(m => m.Name));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Presence_CSharpEntersUpdatesLeaves_AblyJsSeesEachChange(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("cs-presence");
        var watcher = await ConnectJsAsync(fixture.Unique("js-watcher"), jsBinary);
        await Peer.SendAsync("presenceSubscribe", new JsonObject { ["client"] = watcher, ["channel"] = channelName });
        var memberId = fixture.Unique("cs-member");
        await using var client = fixture.CreateClient(memberId, csharpBinary);
        var presence = client.GetChannel(channelName).Presence;
        var entered = Json("""{"mood":"happy","seats":[1,2]}""");
        var updated = MessageData.FromBytes([9, 8, 7]);

        await presence.EnterAsync(entered, Ct).AsTask().WaitAsync(Wait, Ct);
        var enter = (await Peer.WaitForPresenceAsync(watcher, channelName, 1))[0].GetProperty("presence");
        Assert.Equal("enter", enter.GetProperty("action").GetString());
        Assert.Equal(memberId, enter.GetProperty("clientId").GetString());
        Assert.Equal(MessageData.FromJson(entered), FromWire(enter.GetProperty("data")));

        var members = await Peer.SendAsync("presenceGet", new JsonObject { ["client"] = watcher, ["channel"] = channelName });
        var member = Assert.Single(members.EnumerateArray().ToList());
        Assert.Equal(memberId, member.GetProperty("clientId").GetString());
        Assert.Equal("present", member.GetProperty("action").GetString());
        Assert.Equal(MessageData.FromJson(entered), FromWire(member.GetProperty("data")));

        // A late joiner gets the C# member through the server's SYNC.
        var late = await ConnectJsAsync(fixture.Unique("js-late"), jsBinary);
        var lateMembers = await Peer.SendAsync("presenceGet", new JsonObject { ["client"] = late, ["channel"] = channelName });
        Assert.Equal([memberId], lateMembers.EnumerateArray().Select(m => m.GetProperty("clientId").GetString()));

        await presence.UpdateAsync(updated, Ct).AsTask().WaitAsync(Wait, Ct);
        await presence.LeaveAsync(cancellationToken: Ct).AsTask().WaitAsync(Wait, Ct);
        var events = (await Peer.WaitForPresenceAsync(watcher, channelName, 3)).Select(e => e.GetProperty("presence")).ToList();
        Assert.Equal(["enter", "update", "leave"], events.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(updated, FromWire(events[1].GetProperty("data")));
        Assert.All(events, e => Assert.Equal(memberId, e.GetProperty("clientId").GetString()));

        var after = await Peer.SendAsync("presenceGet", new JsonObject { ["client"] = watcher, ["channel"] = channelName });
        Assert.Equal(0, after.GetArrayLength());
        var history = await Peer.SendAsync("presenceHistory", new JsonObject { ["client"] = watcher, ["channel"] = channelName });
        Assert.Equal(["enter", "update", "leave"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task Presence_AblyJsEntersUpdatesLeaves_CSharpSeesEachChange(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("js-presence");
        await using var client = fixture.CreateClient(fixture.Unique("cs-watcher"), csharpBinary);
        var presence = client.GetChannel(channelName).Presence;
        await using var subscription = await presence.SubscribeAsync(cancellationToken: Ct).AsTask().WaitAsync(Wait, Ct);
        var memberId = fixture.Unique("js-member");
        var (js, jsConnection) = await ConnectJsCoreAsync(memberId, jsBinary);
        var entered = Json("""{"mood":"curious","n":7}""");
        var updated = MessageData.FromBytes([1, 0, 255]);

        await Peer.SendAsync("presenceEnter", new JsonObject { ["client"] = js, ["channel"] = channelName, ["data"] = ToWire(entered) });
        var enter = (await TakeAsync(subscription, 1))[0];
        Assert.Equal(PresenceAction.Enter, enter.Action);
        Assert.Equal(memberId, enter.ClientId);
        Assert.Equal(jsConnection, enter.ConnectionId);
        Assert.Equal(MessageData.FromJson(entered), enter.Data);

        var member = Assert.Single(await presence.GetAsync(Ct).AsTask().WaitAsync(Wait, Ct));
        Assert.Equal(PresenceAction.Present, member.Action);
        Assert.Equal(memberId, member.ClientId);
        Assert.Equal(MessageData.FromJson(entered), member.Data);

        // A C# client that attaches later learns the member through SYNC (GetAsync waits for it).
        await using (var late = fixture.CreateClient(clientId: null, csharpBinary))
        {
            var lateMembers = await late.GetChannel(channelName).Presence.GetAsync(Ct).AsTask().WaitAsync(Wait, Ct);
            Assert.Equal([memberId], lateMembers.Select(m => m.ClientId));
        }

        await Peer.SendAsync("presenceUpdate", new JsonObject { ["client"] = js, ["channel"] = channelName, ["data"] = ToWire(updated) });
        await Peer.SendAsync("presenceLeave", new JsonObject { ["client"] = js, ["channel"] = channelName });
        var changes = await TakeAsync(subscription, 2);
        Assert.Equal([PresenceAction.Update, PresenceAction.Leave], changes.Select(c => c.Action));
        Assert.Equal(updated, changes[0].Data);
        Assert.Empty(await presence.GetAsync(Ct).AsTask().WaitAsync(Wait, Ct));

        var history = await presence.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards }, Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.Equal([PresenceAction.Enter, PresenceAction.Update, PresenceAction.Leave], history.Items.Select(h => h.Action));
        Assert.All(history.Items, h => Assert.Equal(memberId, h.ClientId));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task History_WrittenByCSharp_ReadByAblyJs(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("cs-history");
        await using var client = fixture.CreateClient(fixture.Unique("cs-writer"), csharpBinary);
        var channel = client.GetChannel(channelName);
        var sent = SampleMessages();
        await channel.PublishAsync(sent, Ct).AsTask().WaitAsync(Wait, Ct);
        var js = await ConnectJsAsync(clientId: null, jsBinary);

        var items = (await Peer.SendAsync("history", new JsonObject { ["client"] = js, ["channel"] = channelName, ["direction"] = "forwards" }))
            .EnumerateArray().ToList();

        Assert.Equal(sent.Select(m => m.Name), items.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(sent.Select(m => m.Data), items.Select(m => FromWire(m.GetProperty("data"))));
        Assert.All(items, m => Assert.Equal(client.ClientId, m.GetProperty("clientId").GetString()));
        AssertExtras(sent[^1].Extras, items[^1].GetProperty("extras"));

        var backwards = await Peer.SendAsync("history", new JsonObject { ["client"] = js, ["channel"] = channelName, ["direction"] = "backwards" });
        Assert.Equal(Enumerable.Reverse(sent).Select(m => m.Name), backwards.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task History_WrittenByAblyJs_ReadByCSharp(bool csharpBinary, bool jsBinary)
    {
        var channelName = fixture.Unique("js-history");
        var jsClientId = fixture.Unique("js-writer");
        var js = await ConnectJsAsync(jsClientId, jsBinary);
        var sent = SampleMessages();
        await PublishFromJsAsync(js, channelName, sent);
        await using var client = fixture.CreateClient(clientId: null, csharpBinary);

        var page = await client.GetChannel(channelName).GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards, Limit = 3 }, Ct).AsTask().WaitAsync(Wait, Ct);
        Assert.True(page.HasNext);
        var items = new List<ChannelMessage>();
        await foreach (var item in page.ReadAllAsync(Ct))
        {
            items.Add(item);
        }

        Assert.Equal(sent.Select(m => m.Name), items.Select(m => m.Name));
        Assert.Equal(sent.Select(m => m.Data), items.Select(m => m.Data));
        Assert.All(items, m => Assert.Equal(jsClientId, m.ClientId));
        Assert.True(JsonElement.DeepEquals(sent[^1].Extras!.Value, items[^1].Extras!.Value), $"extras: {items[^1].Extras}");
    }

    private async Task<string> ConnectJsAsync(string? clientId, bool binary) => (await ConnectJsCoreAsync(clientId, binary)).Handle;

    private async Task<(string Handle, string ConnectionId)> ConnectJsCoreAsync(string? clientId, bool binary)
    {
        var handle = fixture.Unique("js");
        var result = await Peer.SendAsync("connect", new JsonObject { ["client"] = handle, ["clientId"] = clientId, ["binary"] = binary });
        return (handle, result.GetProperty("connectionId").GetString()!);
    }

    private static async Task<List<T>> TakeAsync<T>(IRealtimeSubscription<T> subscription, int count)
    {
        var items = new List<T>();
        var enumerator = subscription.GetAsyncEnumerator(Ct);
        while (items.Count < count)
        {
            Assert.True(await enumerator.MoveNextAsync().AsTask().WaitAsync(Wait, Ct), $"the subscription ended after {items.Count} of {count} events");
            items.Add(enumerator.Current);
        }

        return items;
    }

    private static void AssertExtras(JsonElement? expected, JsonElement actual)
    {
        if (expected is { } e)
        {
            Assert.True(JsonElement.DeepEquals(e, actual), $"extras: {actual.GetRawText()}");
        }
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static JsonObject ToWire(MessageData data) => data.Kind switch
    {
        MessageDataKind.None => new JsonObject { ["type"] = "none" },
        MessageDataKind.String => new JsonObject { ["type"] = "string", ["value"] = data.AsString() },
        MessageDataKind.Binary => new JsonObject { ["type"] = "binary", ["value"] = Convert.ToBase64String(data.AsBytes().Span) },
        _ => new JsonObject { ["type"] = "json", ["value"] = JsonNode.Parse(data.AsJson().GetRawText()) },
    };

    private static MessageData FromWire(JsonElement payload) => payload.GetProperty("type").GetString() switch
    {
        "none" => MessageData.None,
        "string" => MessageData.FromString(payload.GetProperty("value").GetString()!),
        "binary" => MessageData.FromBytes(Convert.FromBase64String(payload.GetProperty("value").GetString()!)),
        "json" => MessageData.FromJson(payload.GetProperty("value")),
        var other => throw new InvalidOperationException($"unknown payload type {other}"),
    };
}
