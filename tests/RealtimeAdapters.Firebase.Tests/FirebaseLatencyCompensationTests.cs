using System.Net;
using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

public sealed class FirebaseLatencyCompensationTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
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

    [Fact]
    public async Task Set_HeldByTheNetwork_IsSeenAtOncePendingThenConfirmedWithoutRepeats()
    {
        var ns = NewNamespace();
        fixture.Emulator.GetFirebaseDatabase(ns).Set("lc/a", 1);
        using var handler = new HoldingHandler();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = ns,
            UseEmulatorAdmin = true,
            HttpMessageHandler = handler,
            LatencyCompensation = true,
        });
        await using var watch = await store.WatchAsync("lc", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await ShowAsync(events, 2));

        var write = store.SetAsync("lc/b", 2, Ct).AsTask();
        await handler.WriteHeld.Task.WaitAsync(EventTimeout, Ct);
        Assert.Equal(["ChildAdded b after a pending", """Value {"a":1,"b":2} pending"""], await ShowAsync(events, 2));
        Assert.False(write.IsCompleted);
        Assert.Equal(1, store.PendingWriteCount);

        handler.Release();
        await write.WaitAsync(EventTimeout, Ct);
        Assert.Equal(0, store.PendingWriteCount);
        Assert.Equal("""{"a":1,"b":2}""", fixture.Emulator.GetFirebaseDatabase(ns).Get("lc").ToJsonString());

        // The confirmation changed nothing, so it reported nothing: the next events are the next change's, not confirmed.
        fixture.Emulator.GetFirebaseDatabase(ns).Set("lc/c", 3);
        Assert.Equal(["ChildAdded c after b", """Value {"a":1,"b":2,"c":3}"""], await ShowAsync(events, 2));
    }

    [Fact]
    public async Task Update_RefusedByRules_IsRolledBackWithEventsAndThrowsPermissionError()
    {
        await using var emulator = await StartEmulatorAsync("""{"rules":{"lc":{".read":true,"open":{".write":true}}}}""");
        emulator.GetFirebaseDatabase().Set("lc/open", 1);
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = emulator.FirebaseUrl,
            LatencyCompensation = true,
        });
        await using var watch = await store.WatchAsync("lc", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded open after -", """Value {"open":1}"""], await ShowAsync(events, 2));

        await Assert.ThrowsAsync<RealtimePermissionException>(
            () => store.UpdateAsync("lc", new Dictionary<string, DataNode> { ["open"] = 2, ["closed"] = 5 }, Ct).AsTask());

        Assert.Equal(
            [
                "ChildAdded closed after - pending", "ChildChanged open after closed pending", """Value {"closed":5,"open":2} pending""",
                "ChildRemoved closed", "ChildChanged open after -", """Value {"open":1}""",
            ],
            await ShowAsync(events, 6));
        Assert.Equal("""{"open":1}""", emulator.GetFirebaseDatabase().Get("lc").ToJsonString());
    }

    [Fact]
    public async Task Watch_OpenedWhileOwnWriteInFlight_StartsWithThePendingValue()
    {
        var ns = NewNamespace();
        using var handler = new HoldingHandler();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = ns,
            UseEmulatorAdmin = true,
            HttpMessageHandler = handler,
            LatencyCompensation = true,
        });
        var write = store.SetAsync("w/x", "local", Ct).AsTask();
        await handler.WriteHeld.Task.WaitAsync(EventTimeout, Ct);
        await using var watch = await store.WatchAsync("w", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded x after - pending", """Value {"x":"local"} pending"""], await ShowAsync(events, 2));

        handler.Release();
        await write.WaitAsync(EventTimeout, Ct);
        fixture.Emulator.GetFirebaseDatabase(ns).Set("w/y", 1);
        Assert.Equal(["ChildAdded y after x", """Value {"x":"local","y":1}"""], await ShowAsync(events, 2));
    }

    [Fact]
    public async Task Set_CompensationOff_EventsAreNeverPending()
    {
        var ns = NewNamespace();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = ns,
            UseEmulatorAdmin = true,
        });
        await using var watch = await store.WatchAsync("off", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["Value null"], await ShowAsync(events, 1));
        await store.SetAsync("off/a", 1, Ct);
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await ShowAsync(events, 2));
    }

    [Fact]
    public async Task Set_QueuedWhileUnavailable_IsPendingUntilSentThenConfirmed()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = ns,
            UseEmulatorAdmin = true,
            HttpMessageHandler = handler,
            TimeProvider = time,
            MaxRequestRetries = 0,
            ReconnectJitter = 0,
            QueueWritesWhileOffline = true,
            LatencyCompensation = true,
        });
        await using var watch = await store.WatchAsync("q", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["Value null"], await ShowAsync(events, 1));
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);

        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        var write = store.SetAsync("q/a", 1, Ct).AsTask();
        Assert.Equal(["ChildAdded a after - pending", """Value {"a":1} pending"""], await ShowAsync(events, 2));
        var change = await WaitForStateAsync(states, ConnectionState.Disconnected);
        Assert.Equal(1, store.PendingWriteCount);
        time.Advance(change.RetryAt!.Value - time.GetUtcNow());
        await write.WaitAsync(EventTimeout, Ct);

        fixture.Emulator.GetFirebaseDatabase(ns).Set("q/b", 2);
        Assert.Equal(["ChildAdded b after a", """Value {"a":1,"b":2}"""], await ShowAsync(events, 2));
    }
}
