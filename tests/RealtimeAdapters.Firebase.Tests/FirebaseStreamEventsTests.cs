using System.Text;
using RealtimeAdapters.Firebase.Internal;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>
/// Server events applied to one stream's local tree, fed by hand (no network, no timing): the events each listener gets
/// come from the shared engine, in the order the server's changes arrive.
/// </summary>
public sealed class FirebaseStreamEventsTests : IAsyncDisposable
{
    private readonly FirebaseRealtimeStore _store = new(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = new Uri("http://127.0.0.1:9/") });

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static byte[] Event(string path, string data) => Encoding.UTF8.GetBytes($$"""{"path":"{{path}}","data":{{data}}}""");

    private static async Task<List<string>> DrainAsync(RealtimeSubscription<StoreEvent> events)
    {
        var list = new List<string>();
        var e = events.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        while (events.Count > 0)
        {
            list.Add(Describe(await NextAsync(e)));
        }

        return list;
    }

    private (FirebaseStream Stream, RealtimeSubscription<StoreEvent> Events) Open(RealtimeQuery query, StoreEventKind events = StoreEventKind.All)
    {
        var stream = new FirebaseStream(_store, query, query.ToString());
        var subscription = new RealtimeSubscription<StoreEvent>();
        Assert.True(stream.TryAdd(subscription, events, out _));
        return (stream, subscription);
    }

    [Fact]
    public async Task Apply_FullValueAfterReconnect_ReportsExactlyTheDifferences()
    {
        var (stream, events) = Open(RealtimeQuery.At("list").OrderByChild("n"));
        stream.Apply(patch: false, Event("/", """{"a":{"n":1},"b":{"n":2},"c":{"n":3}}"""), firstOfConnection: true);
        await DrainAsync(events);

        // Meanwhile: a removed, b moved to the end, c unchanged, d added.
        stream.Apply(patch: false, Event("/", """{"b":{"n":9},"c":{"n":3},"d":{"n":4}}"""), firstOfConnection: true);

        Assert.Equal(
            ["ChildRemoved a", "ChildAdded d after c", "ChildMoved b after d", "ChildChanged b after d", """Value {"b":{"n":9},"c":{"n":3},"d":{"n":4}}"""],
            await DrainAsync(events));
    }

    [Fact]
    public async Task Apply_LimitedWindowGetsNewcomerBeforeTheRemovalOfTheChildItPushesOut_ShowsTheWindowAtEachStep()
    {
        var (stream, events) = Open(RealtimeQuery.At("scores").OrderByValue().WithLimitToLast(2));
        stream.Apply(patch: false, Event("/", """{"a":1,"b":2}"""), firstOfConnection: true);
        await DrainAsync(events);

        // The service sends the newcomer, then the removal of the child that left the window.
        stream.Apply(patch: false, Event("/c", "3"), firstOfConnection: false);
        stream.Apply(patch: false, Event("/a", "null"), firstOfConnection: false);

        Assert.Equal(["ChildRemoved a", "ChildAdded c after b", """Value {"b":2,"c":3}"""], await DrainAsync(events));
    }

    [Fact]
    public async Task Apply_PatchAndPriority_ReportOneBatchEachWithMoves()
    {
        var (stream, events) = Open(RealtimeQuery.At("items").OrderByPriority());
        stream.Apply(patch: false, Event("/", """{"a":{".value":1,".priority":1},"b":{".value":2,".priority":2}}"""), firstOfConnection: true);
        await DrainAsync(events);

        stream.Apply(patch: false, Event("/a/.priority", "3"), firstOfConnection: false);
        Assert.Equal(["ChildMoved a after b", "ChildChanged a after b", """Value {"a":1,"b":2}"""], await DrainAsync(events));

        stream.Apply(patch: true, Event("/", """{"b":{".value":20,".priority":2},"c":{".value":3,".priority":0}}"""), firstOfConnection: false);
        Assert.Equal(["ChildAdded c after -", "ChildChanged b after c", """Value {"a":1,"b":20,"c":3}"""], await DrainAsync(events));
    }

    [Fact]
    public async Task TryAdd_AfterTheFirstValue_NewListenerGetsTheCurrentStateFromTheLocalTree()
    {
        var (stream, first) = Open(RealtimeQuery.At("list"));
        stream.Apply(patch: false, Event("/", """{"a":1}"""), firstOfConnection: true);
        stream.Apply(patch: false, Event("/b", "2"), firstOfConnection: false);
        var late = new RealtimeSubscription<StoreEvent>();

        Assert.True(stream.TryAdd(late, StoreEventKind.ChildAdded | StoreEventKind.Value, out var startsStream));

        Assert.False(startsStream);
        Assert.Equal(["ChildAdded a after -", "ChildAdded b after a", """Value {"a":1,"b":2}"""], await DrainAsync(late));
        stream.Apply(patch: false, Event("/b", "null"), firstOfConnection: false);
        Assert.Equal(["""Value {"a":1}"""], await DrainAsync(late));
        Assert.Contains("ChildRemoved b", await DrainAsync(first));
    }

    [Fact]
    public async Task Apply_ChangeRepeatingTheCachedValue_RaisesNothing()
    {
        var (stream, events) = Open(RealtimeQuery.At("list"));
        stream.Apply(patch: false, Event("/", """{"a":1}"""), firstOfConnection: true);
        await DrainAsync(events);

        stream.Apply(patch: false, Event("/a", "1"), firstOfConnection: false);
        stream.Apply(patch: false, Event("/b", "2"), firstOfConnection: false);

        // The sentinel change is the only one reported.
        Assert.Equal(["ChildAdded b after a", """Value {"a":1,"b":2}"""], await DrainAsync(events));
    }
}
