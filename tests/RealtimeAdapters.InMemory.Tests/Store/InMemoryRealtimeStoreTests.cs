using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class InMemoryRealtimeStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static InMemoryRealtimeStore CreateStore() => new(new InMemoryStoreOptions { TimeProvider = new FakeTimeProvider(Start) });

    [Fact]
    public async Task Metadata_Always_NamesInMemoryAndItsStoreCapabilities()
    {
        await using var store = CreateStore();

        Assert.Equal("InMemory", store.Metadata.ProviderName);
        Assert.Equal(
            RealtimeCapabilities.Store | RealtimeCapabilities.Queries | RealtimeCapabilities.Transactions | RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities |
            RealtimeCapabilities.OnDisconnect,
            store.Metadata.Capabilities);
    }

    [Fact]
    public async Task GetService_KnownTypes_ReturnsDatabaseOrStore()
    {
        await using var store = CreateStore();

        Assert.Same(store.Database, store.GetService(typeof(InMemoryDatabase)));
        Assert.Same(store, store.GetService(typeof(InMemoryRealtimeStore)));
        Assert.Same(store, store.GetService(typeof(IRealtimeStore)));
        Assert.Null(store.GetService(typeof(string)));
        Assert.Null(store.GetService(typeof(InMemoryDatabase), "key"));
    }

    [Fact]
    public async Task Stores_SharingADatabase_SeeEachOthersWrites()
    {
        var database = new InMemoryDatabase(new FakeTimeProvider(Start));
        await using var first = new InMemoryRealtimeStore(database);
        await using var second = new InMemoryRealtimeStore(database);

        await first.SetAsync("shared", "hello", Ct);

        Assert.Equal("hello", (await second.GetAsync("shared", Ct)).Node.GetString());
    }

    [Fact]
    public async Task Operations_WithStoreExtensions_RoundTrip()
    {
        await using var store = CreateStore();

        var path = await store.PushAsync("list", Json("{'n':1}"), Ct);
        await store.UpdateAsync("list", new Dictionary<string, DataNode> { [$"{path.Key}/m"] = 2 }, Ct);
        await store.SetPriorityAsync(path, 3, Ct);
        await store.SetAsync("typed", new[] { 1, 2 }, cancellationToken: Ct);

        Assert.Equal(Json("{'n':1,'m':2}"), (await store.GetAsync(path, Ct)).Node.WithoutPriority());
        Assert.Equal(3, (await store.GetAsync(path, Ct)).Priority.GetNumber());
        var typed = await store.GetValueAsync<int[]>("typed", cancellationToken: Ct);
        Assert.Equal(new[] { 1, 2 }, typed);
    }

    [Fact]
    public async Task RunTransactionAsync_ConcurrentWriteDuringFirstAttempt_RetriesOnTheNewValue()
    {
        await using var store = CreateStore();
        await store.SetAsync("counter", 1, Ct);
        var seen = new List<double>();

        var result = await store.RunTransactionAsync("counter", current =>
        {
            seen.Add(current.Node.GetNumber());
            if (seen.Count == 1)
            {
                store.Database.Set("counter", 10); // another client wins the race
            }

            return TransactionDecision.Commit(current.Node.GetNumber() + 1);
        }, cancellationToken: Ct);

        Assert.True(result.Committed);
        Assert.Equal(2, result.Attempts);
        Assert.Equal([1, 10], seen);
        Assert.Equal(11, result.Snapshot.Node.GetNumber());
        Assert.Equal(11, (await store.GetAsync("counter", Ct)).Node.GetNumber());
    }

    [Fact]
    public async Task RunTransactionAsync_Abort_CommitsNothing()
    {
        await using var store = CreateStore();
        await store.SetAsync("v", "keep", Ct);

        var result = await store.RunTransactionAsync("v", _ => TransactionDecision.Abort(), cancellationToken: Ct);

        Assert.False(result.Committed);
        Assert.Equal(1, result.Attempts);
        Assert.Equal("keep", result.Snapshot.Node.GetString());
        Assert.Equal("keep", (await store.GetAsync("v", Ct)).Node.GetString());
    }

    [Fact]
    public async Task RunTransactionAsync_ValueKeepsChanging_ThrowsConflictAfterMaxAttempts()
    {
        await using var store = CreateStore();
        var attempts = 0;

        var ex = await Assert.ThrowsAsync<RealtimeConflictException>(async () => await store.RunTransactionAsync("hot", current =>
        {
            attempts++;
            store.Database.Set("hot", attempts);
            return TransactionDecision.Commit("mine");
        }, new TransactionOptions { MaxAttempts = 3 }, Ct));

        Assert.Equal(3, attempts);
        Assert.Contains("/hot", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await store.GetAsync("hot", Ct)).Node.GetNumber());
    }

    [Fact]
    public async Task RunTransactionAsyncTyped_WithTransactionOptions_HonoursTheAttemptLimit()
    {
        await using var store = CreateStore();
        var attempts = 0;

        await Assert.ThrowsAsync<RealtimeConflictException>(async () => await store.RunTransactionAsync<int>("typed", n =>
        {
            attempts++;
            store.Database.Set("typed", 100 + attempts);
            return n + 1;
        }, new TransactionOptions { MaxAttempts = 2 }, cancellationToken: Ct));

        Assert.Equal(2, attempts);

        // A bare null third argument still means the serializer options, as before the overload existed.
#pragma warning disable xUnit1051 // The call must have exactly three arguments to show it still binds.
        var result = await store.RunTransactionAsync<int>("typed", n => n + 1, null);
#pragma warning restore xUnit1051
        Assert.Equal(103, result.Snapshot.Node.GetNumber());
    }

    [Fact]
    public async Task RunTransactionAsync_UpdateThrows_PropagatesTheException()
    {
        await using var store = CreateStore();

        await Assert.ThrowsAsync<FormatException>(async () =>
            await store.RunTransactionAsync("x", _ => throw new FormatException("bad"), cancellationToken: Ct));
    }

    [Fact]
    public async Task RunTransactionAsync_CancelledDuringAnAttempt_StopsBeforeTheNext()
    {
        await using var store = CreateStore();
        using var cts = new CancellationTokenSource();
        var attempts = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.RunTransactionAsync("x", _ =>
        {
            attempts++;
            store.Database.Set("x", attempts); // force a retry
            cts.Cancel();
            return TransactionDecision.Commit("mine");
        }, cancellationToken: cts.Token));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Operations_AlreadyCancelledToken_ThrowBeforeWriting()
    {
        await using var store = CreateStore();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.SetAsync("a", 1, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.UpdateAsync("a", new Dictionary<string, DataNode> { ["b"] = 1 }, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.PushAsync("a", 1, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.GetAsync("a", cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.WatchAsync("a", cancellationToken: cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await store.RunTransactionAsync("a", _ => TransactionDecision.Commit(1), cancellationToken: cts.Token));

        Assert.True(store.Database.Root.IsNull);
    }

    [Fact]
    public async Task WatchAsync_ThroughTheStore_DeliversInitialStateAndChanges()
    {
        await using var store = CreateStore();
        await store.SetAsync("m/a", 1, Ct);
        await using var subscription = await store.WatchAsync("m", cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);

        await store.SetAsync("m/b", 2, Ct);

        var events = new List<StoreEvent>();
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
            events.Add(reader.Current);
        }

        Assert.Equal("added a<- | value {'a':1} | added b<a | value {'a':1,'b':2}", events.Describe());
    }

    [Fact]
    public async Task CloseAsync_OpenStore_MovesToClosedCompletesWatchesAndRefusesOperations()
    {
        var store = CreateStore();
        Assert.Equal(ConnectionState.Connected, store.Connection.State);
        await using var states = store.Connection.WatchState();
        await using var stateReader = states.GetAsyncEnumerator(Ct);
        await using var watch = await store.WatchAsync("a", cancellationToken: Ct);
        await using var watchReader = watch.GetAsyncEnumerator(Ct);

        await store.Connection.CloseAsync(Ct);

        Assert.Equal(ConnectionState.Closed, store.Connection.State);
        Assert.True(await stateReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
        Assert.Equal(new ConnectionStateChange(ConnectionState.Connected, ConnectionState.Closing), stateReader.Current);
        Assert.True(await stateReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
        Assert.Equal(new ConnectionStateChange(ConnectionState.Closing, ConnectionState.Closed), stateReader.Current);
        Assert.False(await stateReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
        Assert.True(await watchReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct)); // the queued initial value
        Assert.False(await watchReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
        await watch.Completion.WaitAsync(WaitTimeout, Ct);

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.SetAsync("a", 1, Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("a", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.WatchAsync("a", cancellationToken: Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.RunTransactionAsync("a", _ => TransactionDecision.Abort(), cancellationToken: Ct));
        await Assert.ThrowsAsync<RealtimeConnectionException>(async () => await store.Connection.ConnectAsync(Ct));
        await store.DisposeAsync(); // idempotent
        Assert.Equal(0, store.Database.Root.ChildCount);
    }

    [Fact]
    public async Task DisposeAsync_SharedDatabase_LeavesOtherStoresWorking()
    {
        var database = new InMemoryDatabase(new FakeTimeProvider(Start));
        var closing = new InMemoryRealtimeStore(database);
        await using var other = new InMemoryRealtimeStore(database);
        await using var otherWatch = await other.WatchAsync("x", new WatchOptions { Events = StoreEventKind.Value }, Ct);
        await using var otherReader = otherWatch.GetAsyncEnumerator(Ct);
        Assert.True(await otherReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));

        await closing.DisposeAsync();
        await other.SetAsync("x", 1, Ct);

        Assert.True(await otherReader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
        Assert.Equal(1, otherReader.Current.Snapshot.Node.GetNumber());
        var state = closing.Connection.WatchState();
        Assert.False(await state.GetAsyncEnumerator(Ct).MoveNextAsync().AsTask().WaitAsync(WaitTimeout, Ct));
    }
}
