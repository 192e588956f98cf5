using System.Text.Json;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Firebase.Tests.Channels;

/// <summary>
/// What the conformance suites cannot see: the documented layout, entries written by other Firebase clients, trimming by
/// concurrent publishers, idempotent ids across a publisher that stopped half-way, presence across a dropped connection,
/// and the client over a shared store.
/// </summary>
public sealed class FirebaseChannelTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _created = [];
    private readonly string _ns = TestSupport.NewNamespace();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RealtimeEmulator Emulator => fixture.Emulator;

    [Fact]
    public void EncodeKey_ForbiddenCharactersAndPercent_ArePercentEncoded()
    {
        Assert.Equal("room-1", FirebaseChannelLayout.EncodeKey("room-1"));
        Assert.Equal("a%2Eb%24c%23d%5Be%5Df%2Fg%25h:i ✓", FirebaseChannelLayout.EncodeKey("a.b$c#d[e]f/g%h:i ✓"));
        Assert.Equal("channels/ns:a%2Fb", FirebaseChannelLayout.ChannelPath(RealtimePath.Parse("channels"), "ns:a/b").ToString().TrimStart('/'));
    }

    [Fact]
    public void ChannelPath_NameTooLongForAKey_IsRefused40010()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => FirebaseChannelLayout.ChannelPath(RealtimePath.Parse("channels"), new string('/', 300)));
        Assert.Equal("40010", ex.ErrorCode);
        Assert.Contains("768", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_WritesTheDocumentedLayout()
    {
        var client = Client("alice");
        var channel = (FirebaseChannel)client.GetChannel("chat.room/1");
        using var json = JsonDocument.Parse("""{"n":[1,2]}""");
        await channel.PublishAsync(
            [
                new ChannelMessage("text", "hello"),
                new ChannelMessage("bin", MessageData.FromBytes([1, 2, 3])),
                new ChannelMessage("json", json.RootElement) { Extras = JsonDocument.Parse("""{"headers":{"h":"v"}}""").RootElement },
            ],
            Ct);

        var messages = Emulator.GetFirebaseDatabase(_ns).Get(RealtimePath.Parse("channels/chat%2Eroom%2F1/messages")).Node;
        var entries = messages.Children.Values.OrderBy(static m => m.GetChild("name").GetString(), StringComparer.Ordinal).ToList();
        Assert.Equal(3, entries.Count);
        var bin = entries[0];
        Assert.Equal(("AQID", "base64"), (bin.GetChild("data").GetString(), bin.GetChild("encoding").GetString()));
        var jsonEntry = entries[1];
        Assert.Equal(("""{"n":[1,2]}""", "json"), (jsonEntry.GetChild("data").GetString(), jsonEntry.GetChild("encoding").GetString()));
        Assert.Equal("""{"headers":{"h":"v"}}""", jsonEntry.GetChild("extras").GetString());
        var text = entries[2];
        Assert.Equal("hello", text.GetChild("data").GetString());
        Assert.True(text.GetChild("encoding").IsNull);
        Assert.Equal("alice", text.GetChild("clientId").GetString());
        Assert.Equal(client.ConnectionId, text.GetChild("connectionId").GetString());
        Assert.Equal(DataNodeKind.Number, text.GetChild("timestamp").Kind);
        Assert.Equal(3d, Emulator.GetFirebaseDatabase(_ns).Get(RealtimePath.Parse("channels/chat%2Eroom%2F1/meta/count")).Node.GetNumber());
    }

    [Fact]
    public async Task Subscribe_EntriesWrittenByAnotherFirebaseClient_AreDelivered_MalformedOnesSkipped()
    {
        var reader = await (await Client(null).GetChannel("raw").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct).ToReaderAsync();
        var store = Store();
        var messages = RealtimePath.Parse("channels/raw/messages");
        await store.SetAsync(messages.Child("a1"), DataNode.Parse("""{"name":"bad","data":42,"connectionId":"js","timestamp":{".sv":"timestamp"}}"""), Ct);
        await store.SetAsync(messages.Child("a2"), DataNode.Parse("""{"name":"bad","data":"x","encoding":"rot13","connectionId":"js","timestamp":{".sv":"timestamp"}}"""), Ct);
        await store.SetAsync(messages.Child("a3"), DataNode.Parse("""{"name":"from-js","data":"{\"x\":1}","encoding":"json","clientId":"web","connectionId":"js","timestamp":{".sv":"timestamp"}}"""), Ct);
        var message = await reader.NextAsync();
        Assert.Equal(("from-js", "web", "js", "a3"), (message.Name, message.ClientId, message.ConnectionId, message.Id));
        Assert.Equal(1, message.Data.AsJson().GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task Publish_IdClaimedByAPublisherThatStoppedBeforeWriting_IsWrittenOnceByTheRetry()
    {
        var store = Store();
        await store.SetAsync(RealtimePath.Parse("channels/retry/ids/order-7"), DataNode.Parse("""{"key":"-Oclaimed0000000000","timestamp":{".sv":"timestamp"}}"""), Ct);
        var channel = Client(null).GetChannel("retry");
        var reader = await (await Client(null).GetChannel("retry").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct).ToReaderAsync();
        await channel.PublishAsync(new ChannelMessage("order", "7") { Id = "order-7" }, Ct);
        await channel.PublishAsync(new ChannelMessage("order", "7") { Id = "order-7" }, Ct);
        await channel.PublishAsync("sentinel", "s", Ct);
        Assert.Equal(("order-7", "-Oclaimed0000000000"), ((await reader.NextAsync()).Id, (await store.GetAsync("channels/retry/ids/order-7/key", Ct)).Node.GetString()));
        Assert.Equal("sentinel", (await reader.NextAsync()).Name);
        Assert.True((await store.GetAsync("channels/retry/messages/-Oclaimed0000000000", Ct)).Exists);
    }

    [Fact]
    public async Task Trim_ConcurrentPublishers_KeepTheNewestAndAnExactCount()
    {
        var all = (await Client(null).GetChannel("busy").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct);
        var publishers = Enumerable.Range(0, 3).Select(i => (FirebaseChannel)Client($"p{i}", o => { o.HistoryMaxCount = 20; o.TrimEvery = 7; }).GetChannel("busy")).ToList();
        await Task.WhenAll(publishers.Select(async (channel, p) =>
        {
            for (var i = 0; i < 40; i++)
            {
                await channel.PublishAsync("m", $"{p}:{i}", Ct);
            }
        }));

        // Background trims may still run; a final trim waits for the lease to be free, then brings the channel to its bound.
        var removed = -1;
        while (removed < 0)
        {
            var lease = await Store().GetAsync("channels/busy/meta/trim", Ct);
            removed = lease.Exists ? -1 : await publishers[0].TrimHistoryAsync(Ct);
        }

        var db = Emulator.GetFirebaseDatabase(_ns);
        var kept = db.Get(RealtimePath.Parse("channels/busy/messages")).Node;
        Assert.Equal(20, kept.ChildCount);
        Assert.Equal(20d, db.Get(RealtimePath.Parse("channels/busy/meta/count")).Node.GetNumber());

        // What is kept is the 20 newest of all 120, in the database's order (timestamp, then push id), whoever published them.
        var published = new List<ChannelMessage>();
        for (var i = 0; i < 120; i++)
        {
            Assert.True(await all.MoveNextAsync().AsTask().WaitAsync(TestSupport.EventTimeout, Ct), "the subscription ended");
            published.Add(all.Current);
        }

        var newest = published.OrderBy(static m => m.Timestamp).ThenBy(static m => m.Serial, StringComparer.Ordinal).TakeLast(20).Select(static m => m.Serial).ToHashSet();
        Assert.Equal(newest.Order(StringComparer.Ordinal), kept.Children.Keys.Order(StringComparer.Ordinal));
        await all.DisposeAsync();
    }

    [Fact]
    public async Task Trim_LeaseHeldByAnother_TrimsNothingUntilItExpires()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var channel = (FirebaseChannel)Client(null, o => { o.HistoryMaxCount = 1; o.TrimEvery = 0; o.TimeProvider = time; }).GetChannel("leased");
        await channel.PublishAsync("a", "1", Ct);
        await channel.PublishAsync("b", "2", Ct);
        var until = time.GetUtcNow().AddSeconds(30).ToUnixTimeMilliseconds();
        await Store().SetAsync("channels/leased/meta/trim", DataNode.Parse($$"""{"holder":"someone-else","until":{{until}}}"""), Ct);
        Assert.Equal(0, await channel.TrimHistoryAsync(Ct));
        Assert.Equal(2, Emulator.GetFirebaseDatabase(_ns).Get(RealtimePath.Parse("channels/leased/messages")).Node.ChildCount);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, await channel.TrimHistoryAsync(Ct));
        var left = Emulator.GetFirebaseDatabase(_ns).Get(RealtimePath.Parse("channels/leased/messages")).Node;
        Assert.Equal("b", Assert.Single(left.Children.Values).GetChild("name").GetString());
        Assert.True(Emulator.GetFirebaseDatabase(_ns).Get(RealtimePath.Parse("channels/leased/meta/trim")).Node.IsNull, "the trimmer releases the lease it took");
    }

    [Fact]
    public async Task Presence_ConnectionDropped_DatabaseRemovesTheMemberAndTheClientEntersAgain()
    {
        var observer = await (await Client(null).GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct).ToReaderAsync();
        var alice = Client("alice");
        await alice.GetChannel("room").Presence.EnterAsync("here", Ct);
        Assert.Equal(PresenceAction.Enter, (await observer.NextAsync()).Action);

        Assert.True(Emulator.DropFirebaseConnections(_ns) > 0);

        var leave = await observer.NextAsync();
        Assert.Equal((PresenceAction.Leave, "alice", "here"), (leave.Action, leave.ClientId, leave.Data.AsString()));
        var back = await observer.NextAsync();
        Assert.Equal((PresenceAction.Enter, "alice", "here"), (back.Action, back.ClientId, back.Data.AsString()));
        var member = Assert.Single(await Client(null).GetChannel("room").Presence.GetAsync(Ct));
        Assert.Equal(alice.ConnectionId, member.ConnectionId);
    }

    [Fact]
    public async Task Subscribe_MessagesPublishedWhileTheSubscriberWasDisconnected_ArriveAfterItReconnects()
    {
        // The subscriber waits a second or more before reconnecting, the publisher a fifth of that: the publisher is back,
        // and publishes, while the subscriber is still away.
        var subscriberStore = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            DatabaseUrl = Emulator.FirebaseUrl, Namespace = _ns, UseEmulatorAdmin = true,
            ReconnectInitialDelay = TimeSpan.FromSeconds(2), ReconnectJitter = 0.5,
        });
        _created.Add(subscriberStore);
        var subscriber = new FirebaseChannelClient(subscriberStore);
        _created.Add(subscriber);
        var reader = await (await subscriber.GetChannel("gap").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct).ToReaderAsync();
        var subscriberStates = subscriber.Connection.WatchState().GetAsyncEnumerator(Ct);
        var publisherClient = Client(null);
        var publisher = publisherClient.GetChannel("gap");
        await publisher.PublishAsync("before", "1", Ct);
        Assert.Equal("before", (await reader.NextAsync()).Name);
        var publisherStates = publisherClient.Connection.WatchState().GetAsyncEnumerator(Ct);

        Emulator.DropFirebaseConnections(_ns);
        await TestSupport.WaitForStateAsync(subscriberStates, ConnectionState.Disconnected);
        await TestSupport.WaitForStateAsync(publisherStates, ConnectionState.Disconnected);
        await TestSupport.WaitForStateAsync(publisherStates, ConnectionState.Connected);
        Assert.NotEqual(ConnectionState.Connected, subscriber.Connection.State);
        await publisher.PublishAsync("during", "2", Ct);

        Assert.Equal("during", (await reader.NextAsync()).Name);
    }

    [Fact]
    public async Task SharedInMemoryStore_ChannelsAndPresenceWork_AndDisposingTheClientLeavesTheStoreOpen()
    {
        var database = new RealtimeAdapters.InMemory.InMemoryDatabase();
        await using var storeA = new RealtimeAdapters.InMemory.InMemoryRealtimeStore(database);
        await using var storeB = new RealtimeAdapters.InMemory.InMemoryRealtimeStore(database);
        var a = new FirebaseChannelClient(storeA, new FirebaseChannelOptions { ClientId = "a" });
        await using var b = new FirebaseChannelClient(storeB, new FirebaseChannelOptions { ClientId = "b" });
        Assert.True(a.Metadata.Supports(RealtimeCapabilities.Presence));
        var presence = await (await b.GetChannel("c").Presence.SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct).ToReaderAsync();
        var messages = await (await b.GetChannel("c").SubscribeAsync(cancellationToken: Ct)).GetAsyncEnumerator(Ct).ToReaderAsync();
        await a.GetChannel("c").Presence.EnterAsync("hi", Ct);
        await a.GetChannel("c").PublishAsync("m", "x", Ct);
        Assert.Equal(PresenceAction.Enter, (await presence.NextAsync()).Action);
        Assert.Equal("m", (await messages.NextAsync()).Name);

        await a.DisposeAsync();
        Assert.Equal(PresenceAction.Leave, (await presence.NextAsync()).Action);
        Assert.Equal(ConnectionState.Closed, a.Connection.State);
        await storeA.SetAsync("still/open", true, Ct);
    }

    [Fact]
    public void Options_Invalid_AreRefusedNamingTheField()
    {
        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new FirebaseChannelClient(new FirebaseChannelOptions { Root = "", Database = { DatabaseUrl = Emulator.FirebaseUrl } }));
        Assert.Contains("Root", ex.Message, StringComparison.Ordinal);
        var wildcard = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            new FirebaseChannelClient(new FirebaseChannelOptions { ClientId = "*", Database = { DatabaseUrl = Emulator.FirebaseUrl } }));
        Assert.Contains("ClientId", wildcard.Message, StringComparison.Ordinal);
        var noDatabase = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new FirebaseChannelClient(new FirebaseChannelOptions()));
        Assert.Contains("DatabaseUrl", noDatabase.Message, StringComparison.Ordinal);
    }

    public ValueTask InitializeAsync() => default;

    public async ValueTask DisposeAsync()
    {
        for (var i = _created.Count - 1; i >= 0; i--)
        {
            await _created[i].DisposeAsync();
        }
    }

    private FirebaseChannelClient Client(string? clientId, Action<FirebaseChannelOptions>? configure = null)
    {
        var options = new FirebaseChannelOptions
        {
            ClientId = clientId,
            Database = new FirebaseStoreOptions { DatabaseUrl = Emulator.FirebaseUrl, Namespace = _ns, UseEmulatorAdmin = true, ReconnectInitialDelay = TimeSpan.FromMilliseconds(200) },
        };
        configure?.Invoke(options);
        var client = new FirebaseChannelClient(options);
        _created.Add(client);
        return client;
    }

    private FirebaseRealtimeStore Store()
    {
        var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = Emulator.FirebaseUrl, Namespace = _ns, UseEmulatorAdmin = true });
        _created.Add(store);
        return store;
    }
}

/// <summary>Reads a subscription with the tests' timeout.</summary>
internal sealed class EventReader<T>(IAsyncEnumerator<T> events)
{
    public async Task<T> NextAsync()
    {
        Assert.True(await events.MoveNextAsync().AsTask().WaitAsync(TestSupport.EventTimeout), "the subscription ended");
        return events.Current;
    }
}

internal static class EventReaderExtensions
{
    public static Task<EventReader<T>> ToReaderAsync<T>(this IAsyncEnumerator<T> events) => Task.FromResult(new EventReader<T>(events));
}
