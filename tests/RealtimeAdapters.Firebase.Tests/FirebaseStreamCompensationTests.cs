using System.Text;
using RealtimeAdapters.Firebase.Internal;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>
/// Latency compensation inside one stream, fed by hand (no network, no timing): local writes are laid over the cached
/// value and the stream's events are applied in exactly the order a test chooses.
/// </summary>
public sealed class FirebaseStreamCompensationTests : IAsyncDisposable
{
    private readonly FirebaseRealtimeStore _store = new(new FirebaseStoreOptions
    {
        Transport = FirebaseTransport.RestStreaming,
        // Nothing is sent: the stream is never started.
        DatabaseUrl = new Uri("http://127.0.0.1:9/"),
        LatencyCompensation = true,
    });

    private readonly RealtimeSubscription<StoreEvent> _events = new();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private static byte[] Event(string path, string data) => Encoding.UTF8.GetBytes($$"""{"path":"{{path}}","data":{{data}}}""");

    private FirebaseStream NewStream(string path, string initial) => NewStream(RealtimeQuery.At(path), initial);

    private FirebaseStream NewStream(RealtimeQuery query, string initial)
    {
        var stream = new FirebaseStream(_store, query, query.ToString());
        Assert.True(stream.TryAdd(_events, StoreEventKind.All, out _));
        stream.Apply(patch: false, Event("/", initial), firstOfConnection: true);
        return stream;
    }

    private async Task<List<string>> DrainAsync()
    {
        var list = new List<string>();
        await using var e = _events.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        while (_events.Count > 0)
        {
            var next = await NextAsync(e);
            list.Add(Describe(next) + (next.IsPending ? " pending" : ""));
        }

        return list;
    }

    private static LocalWrite Write(string path, DataNode value) => new([(RealtimePath.Parse(path), value)]);

    [Fact]
    public async Task Apply_LaterPutAtWatchedLocation_KeepsAcknowledgedWriteWhoseEchoIsInTransit()
    {
        var stream = NewStream("lc", """{"a":1}""");
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await DrainAsync());

        // Two writes of this store: the whole location, then one child; both acknowledged before either echo arrives.
        var whole = Write("lc", DataNode.Parse("""{"x":1}"""));
        var child = Write("lc/y", 2);
        stream.AddWrite(whole);
        stream.AddWrite(child);
        Assert.Equal(
            ["ChildRemoved a pending", "ChildAdded x after - pending", """Value {"x":1} pending""", "ChildAdded y after x pending", """Value {"x":1,"y":2} pending"""],
            await DrainAsync());
        whole.Acknowledge();
        stream.Acknowledge(whole);
        child.Acknowledge();
        stream.Acknowledge(child);
        Assert.Empty(await DrainAsync());

        // The first write's echo is a put at "/" on a live connection: an ordinary write, not the full value. The second
        // write stays laid over it, so y does not vanish and come back.
        stream.Apply(patch: false, Event("/", """{"x":1}"""), firstOfConnection: false);
        Assert.Empty(await DrainAsync());

        stream.Apply(patch: false, Event("/y", "2"), firstOfConnection: false);
        Assert.Empty(await DrainAsync());

        // Both writes have left the overlay: a later server change is reported against the server's value alone.
        stream.Apply(patch: false, Event("/y", "null"), firstOfConnection: false);
        Assert.Equal(["ChildRemoved y", """Value {"x":1}"""], await DrainAsync());
    }

    [Fact]
    public async Task Apply_FirstPutOfNewConnection_LetsGoOfAcknowledgedWritesItContradicts()
    {
        var stream = NewStream("lc", """{"a":1}""");
        await DrainAsync();
        var write = Write("lc/b", 2);
        stream.AddWrite(write);
        write.Acknowledge();
        stream.Acknowledge(write);
        Assert.Equal(["ChildAdded b after a pending", """Value {"a":1,"b":2} pending"""], await DrainAsync());

        // A reconnect's full value is the whole truth: the write's echo was lost with the old connection and b was removed since.
        stream.Apply(patch: false, Event("/", """{"a":1}"""), firstOfConnection: true);
        Assert.Equal(["ChildRemoved b", """Value {"a":1}"""], await DrainAsync());
    }

    [Fact]
    public async Task AddWrite_EmptyingAPlaceInFullLimitedWindow_WaitsForTheServersRefill()
    {
        // The window holds d and e; c, beyond its edge, is unknown to the stream.
        var stream = NewStream(RealtimeQuery.At("s").OrderByValue().WithLimitToLast(2), """{"d":4,"e":5}""");
        await DrainAsync();
        var remove = Write("s/d", DataNode.Null);
        stream.AddWrite(remove);
        Assert.Empty(await DrainAsync());

        // The server removes d and sends c into the window: the events are the server's, once, not pending afterwards.
        remove.Acknowledge();
        stream.Acknowledge(remove);
        stream.Apply(patch: true, Event("/", """{"c":3,"d":null}"""), firstOfConnection: false);
        Assert.Equal(["ChildRemoved d", "ChildAdded c after -", """Value {"c":3,"e":5}"""], await DrainAsync());
    }

    [Fact]
    public async Task AddWrite_MovingChildBeyondEdgeOfFullLimitedWindow_IsLeftOutButNewTopChildIsShown()
    {
        var stream = NewStream(RealtimeQuery.At("s").OrderByValue().WithLimitToLast(2), """{"d":4,"e":5}""");
        await DrainAsync();
        stream.AddWrite(Write("s/d", 0));
        Assert.Empty(await DrainAsync());

        stream.AddWrite(Write("s/f", 9));
        Assert.Equal(["ChildRemoved d pending", "ChildAdded f after e pending", """Value {"e":5,"f":9} pending"""], await DrainAsync());
    }

    [Fact]
    public async Task AddWrite_BelowChildOutsideRangedWindow_IsLeftOut()
    {
        var stream = NewStream(RealtimeQuery.At("s").OrderByChild("v").WithStartAt(5), """{"a":{"v":6,"n":"a"}}""");
        await DrainAsync();

        // Only v of b is written: the rest of b is unknown, so b cannot be shown.
        stream.AddWrite(Write("s/b/v", 7));
        Assert.Empty(await DrainAsync());
        stream.AddWrite(Write("s/a/v", 1));
        Assert.Equal(["ChildRemoved a pending", "Value null pending"], await DrainAsync());
    }

    [Fact]
    public async Task Apply_EchoOfIncrementBeforeAcknowledgement_IsNotCountedTwice()
    {
        var stream = NewStream("c", """{"n":5}""");
        await DrainAsync();
        var increment = new LocalWrite([(RealtimePath.Parse("c/n"), ServerValue.Increment(1))], nowMilliseconds: 1000);
        stream.AddWrite(increment);
        Assert.Equal(["ChildChanged n after - pending", """Value {"n":6} pending"""], await DrainAsync());

        // The echo arrives before the acknowledgement: the estimate is not laid over it again (no 7).
        stream.Apply(patch: false, Event("/n", "6"), firstOfConnection: false);
        Assert.Empty(await DrainAsync());
        increment.Confirm([6]);
        increment.Acknowledge();
        stream.Acknowledge(increment);
        Assert.Empty(await DrainAsync());

        stream.Apply(patch: false, Event("/n", "8"), firstOfConnection: false);
        Assert.Equal(["ChildChanged n after -", """Value {"n":8}"""], await DrainAsync());
    }

    [Fact]
    public async Task Acknowledge_TimestampBeforeItsEcho_ShowsTheServersResultAtOnce()
    {
        var stream = NewStream("t", "null");
        await DrainAsync();
        var stamp = new LocalWrite([(RealtimePath.Parse("t/at"), ServerValue.Timestamp)], nowMilliseconds: 1000);
        stream.AddWrite(stamp);
        Assert.Equal(["ChildAdded at after - pending", """Value {"at":1000} pending"""], await DrainAsync());

        stamp.Confirm([1234]);
        stamp.Acknowledge();
        stream.Acknowledge(stamp);
        Assert.Equal(["ChildChanged at after -", """Value {"at":1234}"""], await DrainAsync());

        stream.Apply(patch: false, Event("/at", "1234"), firstOfConnection: false);
        Assert.Empty(await DrainAsync());
    }
}
