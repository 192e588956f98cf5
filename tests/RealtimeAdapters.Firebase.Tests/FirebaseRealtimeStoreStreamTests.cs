using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

public sealed class FirebaseRealtimeStoreStreamTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FirebaseRealtimeStore NewStore(string ns, FaultHandler? handler = null, TimeProvider? time = null) => new(new FirebaseStoreOptions
    {
        Transport = FirebaseTransport.RestStreaming,
        DatabaseUrl = fixture.Emulator.FirebaseUrl,
        Namespace = ns,
        UseEmulatorAdmin = true,
        HttpMessageHandler = handler,
        TimeProvider = time,
        ReconnectInitialDelay = TimeSpan.FromSeconds(1),
        ReconnectMaxDelay = TimeSpan.FromSeconds(8),
        ReconnectJitter = 0,
        IdleTimeout = TimeSpan.FromSeconds(90),
    });

    [Fact]
    public async Task Watch_StreamCutWhileDataChanges_ReconnectEmitsExactDifferences()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler, time);
        await using var writer = NewStore(ns);
        await writer.SetAsync("f", DataNode.Parse("""{"a":1,"b":2}"""), Ct);
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("f", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded a after -", "ChildAdded b after a", """Value {"a":1,"b":2}"""], await NextAsync(events, 3));

        handler.CutStreams();
        var disconnected = await WaitForStateAsync(states, ConnectionState.Disconnected);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(1), disconnected.RetryAt);
        await writer.RemoveAsync("f/b", Ct);
        await writer.SetAsync("f/a", 5, Ct);
        await writer.SetAsync("f/c", 3, Ct);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["ChildRemoved b", "ChildAdded c after a", "ChildChanged a after -", """Value {"a":5,"c":3}"""], await NextAsync(events, 4));
        await writer.SetAsync("f/d", 4, Ct);
        Assert.Equal(["ChildAdded d after c", """Value {"a":5,"c":3,"d":4}"""], await NextAsync(events, 2));
        Assert.Equal(2, handler.StreamRequests);
    }

    [Fact]
    public async Task ConnectionState_StreamBackingOff_NotHiddenByARequestThatSucceeds()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler, time);
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("agg", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        await NextAsync(events);

        handler.CutStreams();
        await WaitForStateAsync(states, ConnectionState.Disconnected);
        await store.SetAsync("agg/x", 1, Ct);

        // The write got through, but the watch is still waiting to reconnect: the store is not healthy yet.
        Assert.Equal(ConnectionState.Disconnected, store.Connection.State);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForStateAsync(states, ConnectionState.Connected);
    }

    [Fact]
    public async Task Watch_ReconnectWithoutChanges_EmitsNothing()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler, time);
        await store.SetAsync("f/a", 1, Ct);
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("f", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        await NextAsync(events, 2);
        handler.CutStreams();
        await WaitForStateAsync(states, ConnectionState.Disconnected);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForStateAsync(states, ConnectionState.Connected);
        await store.SetAsync("f/z", 1, Ct);
        Assert.Equal(["ChildAdded z after a", """Value {"a":1,"z":1}"""], await NextAsync(events, 2));
    }

    [Fact]
    public async Task Watch_RepeatedFailures_BackOffExponentiallyUpToTheCap()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler, time);
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("f", cancellationToken: Ct);
        for (var i = 0; i < 5; i++)
        {
            handler.Injected.Enqueue(System.Net.HttpStatusCode.ServiceUnavailable);
        }

        handler.CutStreams();
        var delays = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var change = await WaitForStateAsync(states, ConnectionState.Disconnected);
            var delay = change.RetryAt!.Value - time.GetUtcNow();
            delays.Add(delay.TotalSeconds);
            time.Advance(delay);
        }

        Assert.Equal([1d, 2d, 4d, 8d, 8d], delays);
    }

    [Fact]
    public async Task Watch_SilentStream_IdleWatchdogReconnects()
    {
        var ns = NewNamespace();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler, time);
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("f", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        await NextAsync(events);
        time.Advance(TimeSpan.FromSeconds(91));
        var change = await WaitForStateAsync(states, ConnectionState.Disconnected);
        Assert.Contains("silent", change.Reason!.Message, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromSeconds(1));
        await WaitForStateAsync(states, ConnectionState.Connected);
        await store.SetAsync("f/x", 1, Ct);
        Assert.Equal(["ChildAdded x after -", """Value {"x":1}"""], await NextAsync(events, 2));
        Assert.Equal(2, handler.StreamRequests);
    }

    [Fact]
    public async Task Watch_SameQueryTwice_SharesOneStreamUntilLastDisposed()
    {
        var ns = NewNamespace();
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler);
        var first = await store.WatchAsync(RealtimeQuery.At("q").OrderByKey().WithLimitToFirst(2), cancellationToken: Ct);
        var second = await store.WatchAsync(RealtimeQuery.At("q").OrderByKey().WithLimitToFirst(2), cancellationToken: Ct);
        var other = await store.WatchAsync("q", cancellationToken: Ct);
        Assert.Equal(2, store.StreamCount);
        Assert.Equal(2, handler.StreamRequests);
        await first.DisposeAsync();
        Assert.Equal(2, store.StreamCount);
        await using var events = second.GetAsyncEnumerator(Ct);
        await NextAsync(events);
        await store.SetAsync("q/a", 1, Ct);
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await NextAsync(events, 2));
        await second.DisposeAsync();
        await other.DisposeAsync();
        Assert.Equal(0, store.StreamCount);
    }

    [Fact]
    public async Task Watch_Dispose_AbortsThePendingReadPromptly()
    {
        var ns = NewNamespace();
        using var handler = new FaultHandler();
        await using var store = NewStore(ns, handler);
        var watch = await store.WatchAsync("f", cancellationToken: Ct);
        await watch.DisposeAsync();
        await handler.StreamClosed.Task.WaitAsync(EventTimeout, Ct);
        Assert.Equal(0, store.StreamCount);
    }

    [Fact]
    public async Task Watch_ReadRevokedByRules_FailsWithPermissionError()
    {
        await using var emulator = await StartEmulatorAsync("""{"rules":{"p":{".read":"root.child('open').val() === true"}}}""");
        var ns = NewNamespace();
        await using var admin = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, Namespace = ns, UseEmulatorAdmin = true });
        await admin.SetAsync("open", true, Ct);
        await using var user = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = emulator.FirebaseUrl,
            Namespace = ns,
            IdToken = Token("u1", DateTimeOffset.UtcNow.AddHours(1)),
        });
        await using var watch = await user.WatchAsync("p", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        await NextAsync(events);
        await admin.SetAsync("open", false, Ct);
        await Assert.ThrowsAsync<RealtimePermissionException>(async () => await events.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct));
    }

    [Fact]
    public async Task Watch_TokenExpiresMidStream_ProviderAskedAgainAndNoEventsLost()
    {
        var emulatorTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await StartEmulatorAsync("""{"rules":{".read":"auth != null",".write":"auth != null"}}""", emulatorTime);
        var ns = NewNamespace();
        var calls = 0;
        await using var user = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = emulator.FirebaseUrl,
            Namespace = ns,
            TokenProvider = _ =>
            {
                Interlocked.Increment(ref calls);
                return ValueTask.FromResult<string?>(Token("u1", emulatorTime.GetUtcNow().AddMinutes(1)));
            },
        });
        await using var admin = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, Namespace = ns, UseEmulatorAdmin = true });
        await using var watch = await user.WatchAsync("f", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        await NextAsync(events);
        var before = calls;
        emulatorTime.Advance(TimeSpan.FromMinutes(2));
        await admin.SetAsync("f/a", 1, Ct);
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await NextAsync(events, 2));
        Assert.True(calls > before, "the token provider was not asked again");
    }

    [Fact]
    public async Task Watch_ManyStreamsOnOneHost_AllReceiveEvents()
    {
        var ns = NewNamespace();
        await using var store = NewStore(ns);
        var readers = new List<IAsyncEnumerator<StoreEvent>>();
        for (var i = 0; i < 12; i++)
        {
            var watch = await store.WatchAsync("w/" + i, cancellationToken: Ct);
            var e = watch.GetAsyncEnumerator(Ct);
            await NextAsync(e);
            readers.Add(e);
        }

        var updates = Enumerable.Range(0, 12).ToDictionary(i => i + "/v", i => (DataNode)i);
        await store.UpdateAsync("w", updates, Ct);
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(["ChildAdded v after -", "Value {\"v\":" + i + "}"], await NextAsync(readers[i], 2));
            await readers[i].DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsAndReportsDisconnected()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = new Uri($"http://127.0.0.1:{port}/"),
            MaxRequestRetries = 0,
        });
        var ex = await Assert.ThrowsAsync<RealtimeConnectionException>(() => store.Connection.ConnectAsync(Ct).AsTask());
        Assert.True(ex.IsRetryable);
        Assert.Equal(ConnectionState.Disconnected, store.Connection.State);
    }
}
