using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>Latency compensation of server values, priorities, transactions and query windows, through the emulator.</summary>
public sealed class FirebaseLatencyCompensationCoverageTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly DateTimeOffset LocalClock = new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Show(StoreEvent e) => Describe(e) + (e.IsPending ? " pending" : "");

    private static async Task<List<string>> ShowAsync(IAsyncEnumerator<StoreEvent> e, int count)
    {
        var list = new List<string>();
        for (var i = 0; i < count; i++)
        {
            list.Add(Show(await NextAsync(e)));
        }

        return list;
    }

    private FirebaseRealtimeStore NewStore(string ns, HttpMessageHandler? handler = null) => new(new FirebaseStoreOptions
    {
        Transport = FirebaseTransport.RestStreaming,
        DatabaseUrl = fixture.Emulator.FirebaseUrl,
        Namespace = ns,
        UseEmulatorAdmin = true,
        HttpMessageHandler = handler,
        TimeProvider = new FakeTimeProvider(LocalClock),
        LatencyCompensation = true,
    });

    [Fact]
    public async Task Set_ServerValuesHeldByTheNetwork_AreEstimatedThenReplacedByTheServersResult()
    {
        var ns = NewNamespace();
        fixture.Emulator.GetFirebaseDatabase(ns).Set("c", DataNode.Parse("""{"n":5}"""));
        using var handler = new HoldingHandler();
        await using var store = NewStore(ns, handler);
        await using var watch = await store.WatchAsync("c", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded n after -", """Value {"n":5}"""], await ShowAsync(events, 2));

        var write = store.SetAsync("c", DataNode.FromChildren([new("at", ServerValue.Timestamp), new("n", ServerValue.Increment(2))]), Ct).AsTask();
        var local = LocalClock.ToUnixTimeMilliseconds();
        Assert.Equal(
            [$"ChildAdded at after - pending", "ChildChanged n after at pending", $$"""Value {"at":{{local}},"n":7} pending"""],
            await ShowAsync(events, 3));

        handler.Release();
        await write.WaitAsync(EventTimeout, Ct);
        var stored = fixture.Emulator.GetFirebaseDatabase(ns).Get("c").Node;
        Assert.NotEqual(local, (long)stored.GetChild("at").GetNumber());
        Assert.Equal(["ChildChanged at after -", $$"""Value {{stored.ToJsonString()}}"""], await ShowAsync(events, 2));

        // The estimate left the view once the server's result arrived: the next events are the next change's.
        fixture.Emulator.GetFirebaseDatabase(ns).Set("c/z", 1);
        Assert.Equal(["ChildAdded z after n", """Value """ + fixture.Emulator.GetFirebaseDatabase(ns).Get("c").ToJsonString()], await ShowAsync(events, 2));
    }

    [Fact]
    public async Task SetPriority_HeldByTheNetwork_IsSeenAtOncePendingThenConfirmed()
    {
        var ns = NewNamespace();
        var db = fixture.Emulator.GetFirebaseDatabase(ns);
        db.Set("p", DataNode.Parse("""{"a":{".value":1,".priority":1},"b":{".value":2,".priority":2}}"""));
        using var handler = new HoldingHandler();
        await using var store = NewStore(ns, handler);
        await using var watch = await store.WatchAsync(RealtimeQuery.At("p").OrderByPriority(), cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded a after -", "ChildAdded b after a", """Value {"a":1,"b":2}"""], await ShowAsync(events, 3));

        var write = store.SetPriorityAsync("p/a", 3, Ct).AsTask();
        Assert.Equal(["ChildMoved a after b pending", "ChildChanged a after b pending", """Value {"a":1,"b":2} pending"""], await ShowAsync(events, 3));

        handler.Release();
        await write.WaitAsync(EventTimeout, Ct);
        Assert.Equal(3, db.Get("p/a").Node.Priority.GetNumber());
        db.Set("p/c", 9);
        Assert.Equal(["ChildAdded c after -", """Value {"a":1,"b":2,"c":9}"""], await ShowAsync(events, 2));
    }

    [Fact]
    public async Task Transaction_HeldByTheNetwork_IsSeenAtOncePendingThenConfirmed()
    {
        var ns = NewNamespace();
        fixture.Emulator.GetFirebaseDatabase(ns).Set("t/n", 1);
        using var handler = new HoldingHandler();
        await using var store = NewStore(ns, handler);
        await using var watch = await store.WatchAsync("t", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded n after -", """Value {"n":1}"""], await ShowAsync(events, 2));

        var transaction = store.RunTransactionAsync("t/n", s => TransactionDecision.Commit(s.Node.GetNumber() + 1), cancellationToken: Ct).AsTask();
        Assert.Equal(["ChildChanged n after - pending", """Value {"n":2} pending"""], await ShowAsync(events, 2));

        handler.Release();
        Assert.True((await transaction.WaitAsync(EventTimeout, Ct)).Committed);
        fixture.Emulator.GetFirebaseDatabase(ns).Set("t/m", 0);
        Assert.Equal(["ChildAdded m after -", """Value {"m":0,"n":2}"""], await ShowAsync(events, 2));
    }

    [Fact]
    public async Task Transaction_RefusedByRules_IsRolledBackWithEvents()
    {
        await using var emulator = await StartEmulatorAsync("""{"rules":{"t":{".read":true,".write":false}}}""");
        emulator.GetFirebaseDatabase().Set("t/n", 1);
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, LatencyCompensation = true });
        await using var watch = await store.WatchAsync("t", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded n after -", """Value {"n":1}"""], await ShowAsync(events, 2));

        await Assert.ThrowsAsync<RealtimePermissionException>(
            () => store.RunTransactionAsync("t/n", s => TransactionDecision.Commit(5), cancellationToken: Ct).AsTask());
        Assert.Equal(
            ["ChildChanged n after - pending", """Value {"n":5} pending""", "ChildChanged n after -", """Value {"n":1}"""],
            await ShowAsync(events, 4));
    }

    [Fact]
    public async Task Set_IntoLimitedWindow_IsSeenAtOncePendingWithTheWindowRecut()
    {
        var ns = NewNamespace();
        fixture.Emulator.GetFirebaseDatabase(ns).Set("s", DataNode.Parse("""{"a":1,"b":2,"c":3}"""));
        using var handler = new HoldingHandler();
        await using var store = NewStore(ns, handler);
        await using var watch = await store.WatchAsync(RealtimeQuery.At("s").OrderByValue().WithLimitToLast(2), cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded b after -", "ChildAdded c after b", """Value {"b":2,"c":3}"""], await ShowAsync(events, 3));

        var write = store.SetAsync("s/d", 9, Ct).AsTask();
        Assert.Equal(["ChildRemoved b pending", "ChildAdded d after c pending", """Value {"c":3,"d":9} pending"""], await ShowAsync(events, 3));

        handler.Release();
        await write.WaitAsync(EventTimeout, Ct);
        fixture.Emulator.GetFirebaseDatabase(ns).Set("s/e", 10);
        Assert.Equal(["ChildRemoved c", "ChildAdded e after d", """Value {"d":9,"e":10}"""], await ShowAsync(events, 3));
    }
}
