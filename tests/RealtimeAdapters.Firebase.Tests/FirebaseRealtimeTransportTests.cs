using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>
/// The realtime transport (one WebSocket) against the emulator: reconnection after a cut with exactly the changes made
/// meanwhile, on-disconnect writes when the connection is lost, pipelined writes in order, transactions with the data
/// hash under contention, connection states, the server's clock offset and the token provider asked on every connect.
/// </summary>
public sealed class FirebaseRealtimeTransportTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FirebaseRealtimeStore NewStore(RealtimeEmulator emulator, string ns, TimeProvider? time = null, Func<CancellationToken, ValueTask<string?>>? tokens = null) =>
        new(new FirebaseStoreOptions
        {
            DatabaseUrl = emulator.FirebaseUrl,
            Namespace = ns,
            UseEmulatorAdmin = tokens is null,
            TokenProvider = tokens,
            TimeProvider = time,
            ReconnectInitialDelay = TimeSpan.FromSeconds(1),
            ReconnectMaxDelay = TimeSpan.FromSeconds(8),
            ReconnectJitter = 0,
        });

    [Fact]
    public async Task Watch_ConnectionCutWhileDataChanges_ReconnectReportsExactlyTheDifferences()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = NewStore(fixture.Emulator, ns, time);
        var database = fixture.Emulator.GetFirebaseDatabase(ns);
        database.Set("f", DataNode.Parse("""{"a":1,"b":2}"""));
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("f", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded a after -", "ChildAdded b after a", """Value {"a":1,"b":2}"""], await NextAsync(events, 3));
        await WaitForStateAsync(states, ConnectionState.Connected);

        Assert.Equal(1, fixture.Emulator.DropFirebaseConnections(ns));
        var disconnected = await WaitForStateAsync(states, ConnectionState.Disconnected);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(1), disconnected.RetryAt);
        Assert.IsType<RealtimeConnectionException>(disconnected.Reason);
        database.Set("f/b", DataNode.Null);
        database.Set("f/a", 5);
        database.Set("f/c", 3);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["ChildRemoved b", "ChildAdded c after a", "ChildChanged a after -", """Value {"a":5,"c":3}"""], await NextAsync(events, 4));
        await WaitForStateAsync(states, ConnectionState.Connected);
        database.Set("f/d", 4);
        Assert.Equal(["ChildAdded d after c", """Value {"a":5,"c":3,"d":4}"""], await NextAsync(events, 2));
    }

    [Fact]
    public async Task IdleConnection_LongSilence_IsPingedAndKept()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = NewStore(fixture.Emulator, ns, time);
        await using var watch = await store.WatchAsync("quiet", new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.False((await NextAsync(events)).Snapshot.Exists);

        // The database says nothing while nothing changes: ten minutes of silence end in a ping, not in a dropped socket.
        time.Advance(TimeSpan.FromMinutes(10));
        fixture.Emulator.GetFirebaseDatabase(ns).Set("quiet/x", 1);

        Assert.Equal("""Value {"x":1}""", Describe(await NextAsync(events)));
        Assert.Equal(ConnectionState.Connected, store.Connection.State);
    }

    [Fact]
    public async Task Watch_ManyWritesMadeOnTheDatabase_EveryChangeReported()
    {
        var ns = NewNamespace();
        var database = fixture.Emulator.GetFirebaseDatabase(ns);
        database.Set("c", DataNode.Parse("""{"a":0,"b":0}"""));
        await using var store = NewStore(fixture.Emulator, ns);
        await using var watch = await store.WatchAsync("c", new WatchOptions { Events = StoreEventKind.ChildChanged }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);

        for (var i = 1; i <= 1000; i++)
        {
            database.Set(i % 2 == 0 ? "c/a" : "c/b", i);
        }

        for (var i = 1; i <= 1000; i++)
        {
            var changed = await NextAsync(events);
            Assert.Equal(i, changed.Snapshot.Node.GetNumber());
        }
    }

    [Fact]
    public async Task Namespace_NotSet_TheEmulatorsDefaultDatabaseOnBothTransports()
    {
        var path = "default-ns/" + Guid.NewGuid().ToString("N");
        await using var realtime = new FirebaseRealtimeStore(new FirebaseStoreOptions { DatabaseUrl = fixture.Emulator.FirebaseUrl, UseEmulatorAdmin = true });
        await using var rest = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = fixture.Emulator.FirebaseUrl, UseEmulatorAdmin = true });

        await realtime.SetAsync(path, "over the socket", Ct);

        Assert.Equal("over the socket", (await rest.GetAsync(path, Ct)).Node.GetString());
        Assert.Equal("over the socket", fixture.Emulator.GetFirebaseDatabase().Root.GetAt(path).GetString());
    }

    [Fact]
    public async Task OnDisconnect_ConnectionLost_TheDatabaseRunsTheWritesAndTheStoreReconnects()
    {
        var ns = NewNamespace();
        await using var leaving = NewStore(fixture.Emulator, ns);
        await using var staying = NewStore(fixture.Emulator, ns);
        await leaving.SetAsync("presence/alice", "online", Ct);
        await leaving.OnDisconnectSetAsync("presence/alice", "offline", Ct);
        await leaving.OnDisconnectSetAsync("presence/lastSeen", ServerValue.Timestamp, Ct);
        await using var watch = await staying.WatchAsync("presence", new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal("""Value {"alice":"online"}""", Describe(await NextAsync(events)));
        await using var states = leaving.Connection.WatchState().GetAsyncEnumerator(Ct);

        Assert.True(fixture.Emulator.DropFirebaseConnections(ns) >= 2);

        StoreEvent seen;
        do
        {
            seen = await NextAsync(events);
        }
        while (seen.Snapshot.Node.GetAt("lastSeen").IsNull);

        Assert.Equal("offline", seen.Snapshot.Node.GetAt("alice").GetString());
        Assert.Equal(DataNodeKind.Number, seen.Snapshot.Node.GetAt("lastSeen").Kind);
        await WaitForStateAsync(states, ConnectionState.Connected);

        // The registrations ran once: a later cut finds none left.
        await leaving.SetAsync("presence/alice", "back", Ct);
        Assert.Equal("back", (await staying.GetAsync("presence/alice", Ct)).Node.GetString());
    }

    [Fact]
    public async Task SetAsync_ManyWritesInFlight_AppliedAndReportedInIssueOrder()
    {
        var ns = NewNamespace();
        await using var writer = NewStore(fixture.Emulator, ns);
        await using var reader = NewStore(fixture.Emulator, ns);
        await using var watch = await reader.WatchAsync("counter", new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.False((await NextAsync(events)).Snapshot.Exists);

        var writes = Enumerable.Range(1, 200).Select(i => writer.SetAsync("counter", i, Ct).AsTask()).ToList();
        await Task.WhenAll(writes);

        var last = 0.0;
        while (last < 200)
        {
            var value = (await NextAsync(events)).Snapshot.Node.GetNumber();
            Assert.True(value > last, $"value {value} arrived after {last}");
            last = value;
        }

        Assert.Equal(0, writer.PendingWriteCount);
    }

    [Fact]
    public async Task RunTransactionAsync_TwoClientsContending_EndsAtTheExactCount()
    {
        var ns = NewNamespace();
        await using var first = NewStore(fixture.Emulator, ns);
        await using var second = NewStore(fixture.Emulator, ns);

        async Task IncrementAsync(IRealtimeStore store)
        {
            for (var i = 0; i < 15; i++)
            {
                var result = await store.RunTransactionAsync(
                    "count",
                    s => TransactionDecision.Commit((s.Exists ? s.Node.GetNumber() : 0) + 1),
                    new TransactionOptions { MaxAttempts = 50 },
                    Ct);
                Assert.True(result.Committed);
            }
        }

        await Task.WhenAll(IncrementAsync(first), IncrementAsync(second));

        Assert.Equal(30, (await first.GetAsync("count", Ct)).Node.GetNumber());
    }

    [Fact]
    public async Task ServerTimeOffset_AfterTheHandshake_IsTheEmulatorsClockMinusTheStores()
    {
        var ahead = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromHours(1));
        await using var emulator = await StartEmulatorAsync(time: ahead);
        await using var store = NewStore(emulator, NewNamespace());

        await store.Connection.ConnectAsync(Ct);

        Assert.InRange(store.ServerTimeOffset, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.Equal(ConnectionState.Connected, store.Connection.State);
    }

    [Fact]
    public async Task TokenProvider_EveryConnection_AskedAgain()
    {
        var ns = NewNamespace();
        var asked = 0;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = NewStore(fixture.Emulator, ns, time, _ =>
        {
            Interlocked.Increment(ref asked);
            return ValueTask.FromResult<string?>(Token("alice", DateTimeOffset.UtcNow.AddHours(1)));
        });
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await store.SetAsync("users/alice", 1, Ct);
        Assert.Equal(1, Volatile.Read(ref asked));

        fixture.Emulator.DropFirebaseConnections(ns);
        await WaitForStateAsync(states, ConnectionState.Disconnected);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForStateAsync(states, ConnectionState.Connected);

        Assert.Equal(2, Volatile.Read(ref asked));
    }

    [Fact]
    public async Task TokenProvider_IdTokenAboutToExpire_ReplacedOnTheOpenSocket()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await StartEmulatorAsync(time: time);
        var ns = NewNamespace();
        var asked = 0;
        var secondToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var store = NewStore(emulator, ns, time, _ =>
        {
            if (Interlocked.Increment(ref asked) == 2)
            {
                secondToken.TrySetResult();
            }

            return ValueTask.FromResult<string?>(IdToken("alice", time.GetUtcNow(), time.GetUtcNow() + TimeSpan.FromMinutes(10)));
        });
        await using var watch = await store.WatchAsync("notes", new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.False((await NextAsync(events)).Snapshot.Exists);

        // Halfway through the token's ten minutes the store asks for a new one and sends it on the same socket.
        time.Advance(TimeSpan.FromMinutes(6));
        await secondToken.Task.WaitAsync(EventTimeout, Ct);
        await store.SetAsync("notes/a", 1, Ct).AsTask().WaitAsync(EventTimeout, Ct);
        Assert.Equal("""Value {"a":1}""", Describe(await NextAsync(events)));

        // Past the first token's expiry (before the second one's refresh): the database has the second one, so nothing
        // is revoked and the same socket carries the next write (a dropped one would wait for a reconnect on this clock).
        time.Advance(TimeSpan.FromMinutes(4.5));
        await store.SetAsync("notes/b", 2, Ct).AsTask().WaitAsync(EventTimeout, Ct);
        Assert.Equal("""Value {"a":1,"b":2}""", Describe(await NextAsync(events)));
        Assert.Equal(2, Volatile.Read(ref asked));
        Assert.Equal(ConnectionState.Connected, store.Connection.State);
    }

    [Theory]
    [InlineData(FirebaseTransport.Realtime)]
    [InlineData(FirebaseTransport.RestStreaming)]
    public async Task AccessTokenProvider_BothTransports_TokenSentAndAskedPerConnection(FirebaseTransport transport)
    {
        // Rules that refuse everyone: only the emulator's administrator ("owner" as an access token) gets through.
        await using var emulator = await StartEmulatorAsync("""{"rules":{".read":false,".write":false}}""");
        var asked = 0;
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = transport,
            DatabaseUrl = emulator.FirebaseUrl,
            Namespace = NewNamespace(),
            AccessTokenProvider = _ =>
            {
                Interlocked.Increment(ref asked);
                return ValueTask.FromResult<string?>("owner");
            },
        });

        await store.SetAsync("admin/only", 1, Ct);

        Assert.Equal(1, (await store.GetAsync("admin/only", Ct)).Node.GetNumber());
        Assert.True(Volatile.Read(ref asked) >= 1);
    }

    /// <summary>An unsigned ID token with <c>iat</c> (sent with <c>auth</c>, as the SDKs decide) and <c>exp</c>.</summary>
    private static string IdToken(string uid, DateTimeOffset issued, DateTimeOffset expires)
    {
        static string B64(string json) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return B64("""{"alg":"none","typ":"JWT"}""") + "." +
            B64($$"""{"sub":"{{uid}}","user_id":"{{uid}}","iat":{{issued.ToUnixTimeSeconds()}},"exp":{{expires.ToUnixTimeSeconds()}}}""") + ".";
    }

    [Fact]
    public async Task Watch_ReadRevokedByRules_EndsWithPermissionError()
    {
        await using var emulator = await StartEmulatorAsync("""{"rules":{"p":{".read":"root.child('open').val() === true"}}}""");
        var ns = NewNamespace();
        await using var admin = NewStore(emulator, ns);
        await admin.SetAsync("open", true, Ct);
        await using var user = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            DatabaseUrl = emulator.FirebaseUrl,
            Namespace = ns,
            IdToken = IdToken("u1", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)),
        });
        await using var watch = await user.WatchAsync("p", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        await NextAsync(events);

        await admin.SetAsync("open", false, Ct);

        await Assert.ThrowsAsync<RealtimePermissionException>(async () => await events.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct));
    }

    [Fact]
    public async Task PushAsync_ConnectionCutDuringABurstWithQueuedWrites_EachAppliedOnceInOrder()
    {
        var ns = NewNamespace();
        await using var writer = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = ns,
            UseEmulatorAdmin = true,
            QueueWritesWhileOffline = true,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(10),
            ReconnectJitter = 0,
        });
        await using var reader = NewStore(fixture.Emulator, ns);
        await using var watch = await reader.WatchAsync("list", new WatchOptions { Events = StoreEventKind.ChildAdded }, Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);

        var pushes = new List<Task<RealtimePath>>();
        for (var i = 0; i < 300; i++)
        {
            pushes.Add(writer.PushAsync("list", i, Ct).AsTask());
            if (i == 100)
            {
                // Mid-burst: part of the writes answered, part in flight, part not yet sent.
                await pushes[50];
                Assert.Equal(2, fixture.Emulator.DropFirebaseConnections(ns)); // the writer's socket and the reader's
            }
        }

        var paths = await Task.WhenAll(pushes).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // Every push's child arrives once, in issue order (push ids are chronological), with its own value.
        for (var i = 0; i < 300; i++)
        {
            var added = await NextAsync(events);
            Assert.Equal(paths[i].Key, added.Snapshot.Key);
            Assert.Equal(i, added.Snapshot.Node.GetNumber());
        }

        Assert.Equal(300, (await reader.GetAsync("list", Ct)).Node.ChildCount);
        Assert.Equal(0, writer.PendingWriteCount);
    }

    [Fact]
    public async Task RunTransactionAsync_ConnectionCutDuringTheAttempt_NeverAppliedTwice()
    {
        var ns = NewNamespace();
        await using var store = NewStore(fixture.Emulator, ns);
        await store.SetAsync("count", 0, Ct);
        var cut = false;
        Exception? failure = null;
        try
        {
            await store.RunTransactionAsync("count", s =>
            {
                if (!cut)
                {
                    cut = true;
                    fixture.Emulator.DropFirebaseConnections(ns);
                }

                return TransactionDecision.Commit(s.Node.GetNumber() + 1);
            }, cancellationToken: Ct);
        }
        catch (RealtimeConnectionException ex)
        {
            // The put was in flight when the socket went: it may or may not have been applied, and is not sent again.
            failure = ex;
            Assert.True(ex.IsRetryable);
        }

        var after = (await store.GetAsync("count", Ct)).Node.GetNumber();
        Assert.True(failure is null ? after == 1 : after is 0 or 1, $"count is {after} after a transaction that {(failure is null ? "committed" : "failed")}");

        // The store is back: a new transaction commits on top of whatever the first left.
        var next = await store.RunTransactionAsync("count", s => TransactionDecision.Commit(s.Node.GetNumber() + 1), cancellationToken: Ct);
        Assert.True(next.Committed);
        Assert.Equal(after + 1, next.Snapshot.Node.GetNumber());
    }

    [Theory]
    [InlineData(FirebaseTransport.Realtime)]
    [InlineData(FirebaseTransport.RestStreaming)]
    public async Task WatchAsync_DatabaseUnreachable_FailsAfterRequestTimeoutWithoutAToken(FirebaseTransport transport)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = transport,
            DatabaseUrl = new Uri("http://127.0.0.1:9/"),
            UseEmulatorAdmin = true,
            TimeProvider = time,
            RequestTimeout = TimeSpan.FromSeconds(10),
        });

        // The state stream first: the failed connect may come before WatchAsync returns.
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        var watching = store.WatchAsync("anything", cancellationToken: Ct).AsTask();
        await WaitForStateAsync(states, ConnectionState.Disconnected);
        Assert.False(watching.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<RealtimeConnectionException>(() => watching.WaitAsync(EventTimeout, Ct));
        Assert.True(ex.IsRetryable);
        Assert.Contains("anything", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TypedHelpers_JsonSerializerOptionsOnTheStore_UsedWhenTheCallPassesNone()
    {
        var options = new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower };
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = NewNamespace(),
            UseEmulatorAdmin = true,
            JsonSerializerOptions = options,
        });
        IRealtimeStore decorated = new PassThroughStore(store);

        await decorated.SetAsync("todo", new TodoItem("Buy milk", DueSoon: true), cancellationToken: Ct);

        Assert.Equal(DataNode.Parse("""{"todo_title":"Buy milk","due_soon":true}"""), (await store.GetAsync("todo", Ct)).Node);
        Assert.Equal(new TodoItem("Buy milk", true), await decorated.GetValueAsync<TodoItem>("todo", cancellationToken: Ct));
        Assert.Same(options, store.GetService(typeof(System.Text.Json.JsonSerializerOptions)));
    }

    private sealed record TodoItem(string TodoTitle, bool DueSoon);

    /// <summary>A decorator that adds nothing: the store's own options must reach the typed helpers through it.</summary>
    private sealed class PassThroughStore(IRealtimeStore inner) : DelegatingRealtimeStore(inner);

    [Fact]
    public async Task OnDisconnectAsync_RestTransport_IsRefusedAsNotSupported()
    {
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = NewNamespace(),
            UseEmulatorAdmin = true,
        });

        var ex = await Assert.ThrowsAsync<RealtimeNotSupportedException>(() => store.OnDisconnectRemoveAsync("x", Ct).AsTask());
        Assert.Equal(RealtimeCapabilities.OnDisconnect, ex.Capability);
        Assert.False(store.Metadata.Supports(RealtimeCapabilities.OnDisconnect));
    }
}
