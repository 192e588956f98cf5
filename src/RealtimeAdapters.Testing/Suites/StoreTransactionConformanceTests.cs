using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>Transactions: commit, abort, delete, retry on a conflicting write, the attempt limit, and no lost updates under contention.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.Transactions)]
public abstract class StoreTransactionConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and a transaction commits. Not claimed: a transaction is refused with <see cref="RealtimeNotSupportedException"/> and writes nothing.</summary>
    [Fact]
    public async Task Capability_Transactions_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsStore(RealtimeCapabilities.Transactions))
        {
            var store = await NewStoreAsync();
            Assert.True(store.Metadata.Supports(RealtimeCapabilities.Transactions));
            var result = await store.RunTransactionAsync("tx", static _ => TransactionDecision.Commit(1), cancellationToken: Ct);
            Assert.True(result.Committed);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.Transactions, async backend =>
            {
                var store = await backend.CreateStoreAsync(Ct);
                await store.RunTransactionAsync("tx", static _ => TransactionDecision.Commit(1), cancellationToken: Ct);
            });
            if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
            {
                var store = await NewStoreAsync();
                Assert.False(store.Metadata.Supports(RealtimeCapabilities.Transactions));
                await Assert.ThrowsAnyAsync<RealtimeNotSupportedException>(() => store.RunTransactionAsync("tx", static _ => TransactionDecision.Commit(1), cancellationToken: Ct).AsTask());
                Assert.False((await store.GetAsync("tx", Ct)).Exists);
            }
        }
    }

    /// <summary>On a missing value the update sees nothing; its commit is written and reported.</summary>
    [Fact]
    public async Task RunTransactionAsync_MissingValue_CommitsNewValue()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        var seen = new List<DataSnapshot>();
        var result = await store.RunTransactionAsync("tx/count", current =>
        {
            seen.Add(current);
            return TransactionDecision.Commit(1);
        }, cancellationToken: Ct);
        Assert.True(result.Committed);
        Assert.Equal(1, result.Attempts);
        Assert.False(Assert.Single(seen).Exists);
        Assert.Equal(RealtimePath.Parse("tx/count"), result.Snapshot.Path);
        AssertNode("1", result.Snapshot.Node);
        AssertNode("1", (await store.GetAsync("tx/count", Ct)).Node);
    }

    /// <summary>The update sees the current value and its result replaces it.</summary>
    [Fact]
    public async Task RunTransactionAsync_ExistingValue_SeesCurrentAndReplacesIt()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        await store.SetAsync("tx", DataNode.Parse("""{"count":41,"by":"x"}"""), Ct);
        var result = await store.RunTransactionAsync("tx", static current =>
            TransactionDecision.Commit(current.Node.SetChild("count", current.Node.GetChild("count").GetNumber() + 1)), cancellationToken: Ct);
        Assert.True(result.Committed);
        AssertNode("""{"count":42,"by":"x"}""", result.Snapshot.Node);
        AssertNode("""{"count":42,"by":"x"}""", (await store.GetAsync("tx", Ct)).Node);
    }

    /// <summary>An abort writes nothing and reports the value the update saw.</summary>
    [Fact]
    public async Task RunTransactionAsync_Abort_WritesNothing()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        await store.SetAsync("tx", 5, Ct);
        var result = await store.RunTransactionAsync("tx", static _ => TransactionDecision.Abort(), cancellationToken: Ct);
        Assert.False(result.Committed);
        Assert.Equal(1, result.Attempts);
        AssertNode("5", result.Snapshot.Node);
        AssertNode("5", (await store.GetAsync("tx", Ct)).Node);
        var onMissing = await store.RunTransactionAsync("none", static _ => TransactionDecision.Abort(), cancellationToken: Ct);
        Assert.False(onMissing.Committed);
        Assert.False((await store.GetAsync("none", Ct)).Exists);
    }

    /// <summary>Committing null deletes the value.</summary>
    [Fact]
    public async Task RunTransactionAsync_CommitNull_Deletes()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        await store.SetAsync("tx/item", "x", Ct);
        var result = await store.RunTransactionAsync("tx/item", static _ => TransactionDecision.Commit(DataNode.Null), cancellationToken: Ct);
        Assert.True(result.Committed);
        Assert.False(result.Snapshot.Exists);
        Assert.False((await store.GetAsync(RealtimePath.Root, Ct)).Exists);
    }

    /// <summary>A write by another client between the read and the commit makes the update run again on the newer value.</summary>
    [Fact]
    public async Task RunTransactionAsync_ConflictingWrite_RetriesOnNewerValue()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var backend = await NewBackendAsync();
        var store = await backend.CreateStoreAsync(Ct);
        var other = await backend.CreateStoreAsync(Ct);
        var seen = new List<DataNode>();
        var result = await store.RunTransactionAsync("tx", current =>
        {
            seen.Add(current.Node);
            if (seen.Count == 1)
            {
                Interfere(other, "tx", 100);
            }

            return TransactionDecision.Commit(current.Exists ? current.Node.GetNumber() + 1 : 1);
        }, cancellationToken: Ct);
        Assert.True(result.Committed);
        Assert.True(seen.Count >= 2, $"The update should have run again after the conflicting write; it ran {seen.Count} time(s).");
        Assert.Equal(seen.Count, result.Attempts);
        AssertNode("100", seen[^1]);
        AssertNode("101", result.Snapshot.Node);
        AssertNode("101", (await other.GetAsync("tx", Ct)).Node);
    }

    /// <summary>A value that changes before every commit makes the transaction fail with <see cref="RealtimeConflictException"/> after the attempt limit, writing nothing of its own.</summary>
    [Fact]
    public async Task RunTransactionAsync_AlwaysConflicting_ThrowsConflictAfterMaxAttempts()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var backend = await NewBackendAsync();
        var store = await backend.CreateStoreAsync(Ct);
        var other = await backend.CreateStoreAsync(Ct);
        var attempts = 0;
        await Assert.ThrowsAnyAsync<RealtimeConflictException>(() => store.RunTransactionAsync("tx", current =>
        {
            attempts++;
            Interfere(other, "tx", 1000 + attempts);
            return TransactionDecision.Commit(-1);
        }, new TransactionOptions { MaxAttempts = 3 }, Ct).AsTask());
        Assert.Equal(3, attempts);
        AssertNode("1003", (await store.GetAsync("tx", Ct)).Node);
    }

    /// <summary>Concurrent transactions from several clients lose no update.</summary>
    [Fact]
    public async Task RunTransactionAsync_ConcurrentIncrements_LoseNothing()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var backend = await NewBackendAsync();
        var stores = new[] { await backend.CreateStoreAsync(Ct), await backend.CreateStoreAsync(Ct) };
        const int PerStore = 10;
        var tasks = stores.SelectMany(static s => Enumerable.Range(0, PerStore).Select(_ =>
            s.RunTransactionAsync<int>("counter", static n => n + 1, cancellationToken: Ct).AsTask())).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, static r => Assert.True(r.Committed));
        AssertNode(DataNode.FromNumber(stores.Length * PerStore), (await stores[0].GetAsync("counter", Ct)).Node);
    }

    /// <summary>The typed helper reads the current value as the type and writes the result.</summary>
    [Fact]
    public async Task RunTransactionAsyncTyped_Record_UpdatesValue()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        await store.RunTransactionAsync<ConformanceCounter>("c", static c => new(1, "first"), cancellationToken: Ct);
        var result = await store.RunTransactionAsync<ConformanceCounter>("c", static c => c! with { Count = c.Count + 1, LastBy = "second" }, cancellationToken: Ct);
        Assert.True(result.Committed);
        Assert.Equal(new ConformanceCounter(2, "second"), await store.GetValueAsync<ConformanceCounter>("c", cancellationToken: Ct));
    }

    /// <summary>A committed transaction notifies watchers like any write.</summary>
    [Fact]
    public async Task RunTransactionAsync_Commit_NotifiesWatchers()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        await store.SetAsync("tx/a", 1, Ct);
        var reader = await WatchPastInitialAsync(store, "tx");
        await store.RunTransactionAsync("tx/a", static c => TransactionDecision.Commit(c.Node.GetNumber() * 10), cancellationToken: Ct);
        var events = await reader.NextAsync(2, "the events of the commit");
        Assert.Equal(["ChildChanged a after -", "Value"], Describe(events));
        AssertNode("10", events[0].Snapshot.Node);
    }

    /// <summary>An update function that throws ends the transaction with its exception, writing nothing.</summary>
    [Fact]
    public async Task RunTransactionAsync_UpdateThrows_PropagatesAndWritesNothing()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        await store.SetAsync("tx", 1, Ct);
        var ex = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            store.RunTransactionAsync("tx", static _ => throw new InvalidOperationException("update failed"), cancellationToken: Ct).AsTask());
        Assert.Equal("update failed", ex.Message);
        AssertNode("1", (await store.GetAsync("tx", Ct)).Node);
    }

    /// <summary>A transaction whose token is already cancelled throws <see cref="OperationCanceledException"/> without running the update.</summary>
    [Fact]
    public async Task RunTransactionAsync_CancelledToken_ThrowsWithoutRunningUpdate()
    {
        RequireStore(RealtimeCapabilities.Transactions);
        var store = await NewStoreAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var ran = false;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.RunTransactionAsync("tx", _ =>
        {
            ran = true;
            return TransactionDecision.Commit(1);
        }, cancellationToken: cts.Token).AsTask());
        Assert.False(ran);
        Assert.False((await store.GetAsync("tx", Ct)).Exists);
    }

    // The update function is synchronous: the conflicting write runs on another thread, bounded so that a provider that
    // holds a lock around the update function fails the test instead of hanging it.
    private void Interfere(IRealtimeStore other, RealtimePath path, int value)
    {
        var write = Task.Run(async () => await other.SetAsync(path, value, Ct).ConfigureAwait(false));
        if (!write.Wait(Fixture.EventTimeout, Ct))
        {
            Assert.Fail("A write by another client did not complete while a transaction's update function was running; the provider must not block writes during the update function.");
        }
    }
}
