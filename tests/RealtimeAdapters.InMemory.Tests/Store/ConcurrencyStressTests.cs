using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.InMemory.Tests.Store.StoreTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Store;

public sealed class ConcurrencyStressTests
{
    private const int Writers = 4;
    private const int IncrementsPerWriter = 2000;

    [Fact]
    public async Task Transactions_ConcurrentWritersAndWatchers_NoLostUpdateAndWatchersEndOnTheFinalState()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = new InMemoryRealtimeStore(new InMemoryStoreOptions { TimeProvider = new FakeTimeProvider(Start) });
        var queries = new RealtimeQuery[]
        {
            "/",
            "counter",
            RealtimeQuery.At("log").OrderByValue().WithLimitToLast(3),
            RealtimeQuery.At("log").OrderByKey().WithLimitToFirst(2),
        };
        var subscriptions = new List<IRealtimeSubscription<StoreEvent>>();
        foreach (var query in queries)
        {
            subscriptions.Add(await store.WatchAsync(query, cancellationToken: ct));
        }

        // The final state is known in advance: every increment commits exactly once, and every hundredth is logged.
        var final = Writers * IncrementsPerWriter;
        var finalRoot = DataNode.FromChildren(new Dictionary<string, DataNode>
        {
            ["counter"] = final,
            ["log"] = DataNode.FromChildren(Enumerable.Range(1, final / 100).ToDictionary(i => $"{i * 100:D6}", i => (DataNode)(i * 100))),
        });
        var readers = queries.Select((query, i) =>
            Task.Run(() => ReadUntilAsync(subscriptions[i], query.Apply(finalRoot.GetAt(query.Path)), query.Path.IsRoot || query.Path.Key == "counter", ct), ct)).ToList();
        var options = new TransactionOptions { MaxAttempts = 100_000 };
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < IncrementsPerWriter; i++)
            {
                var result = await store.RunTransactionAsync("counter", c => TransactionDecision.Commit(c.Exists ? c.Node.GetNumber() + 1 : 1), options, ct);
                Assert.True(result.Committed);
                var n = (int)result.Snapshot.Node.GetNumber();
                if (n % 100 == 0)
                {
                    await store.SetAsync($"log/{n:D6}", n, ct);
                }
            }
        }, ct)).ToList();

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(2), ct);
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromMinutes(1), ct);

        Assert.Equal(finalRoot, store.Database.Root);
        foreach (var subscription in subscriptions)
        {
            // Once a watcher has seen the final state, nothing else is queued: its last value is the final one.
            Assert.Equal(0, ((RealtimeSubscription<StoreEvent>)subscription).Count);
            await subscription.DisposeAsync();
        }
    }

    private static async Task ReadUntilAsync(IRealtimeSubscription<StoreEvent> subscription, DataNode expected, bool showsCounter, CancellationToken ct)
    {
        var lastCounter = -1.0;
        await foreach (var e in subscription.WithCancellation(ct))
        {
            if (e.Kind != StoreEventKind.Value)
            {
                continue;
            }

            // Value events arrive in write order: the counter they show never goes back.
            var counter = e.Snapshot.Path.IsRoot ? e.Snapshot.Node.GetChild("counter") : e.Snapshot.Node;
            if (showsCounter && !counter.IsNull)
            {
                Assert.True(counter.GetNumber() >= lastCounter, $"The counter went from {lastCounter} to {counter.GetNumber()}.");
                lastCounter = counter.GetNumber();
            }

            if (e.Snapshot.Node.Equals(expected))
            {
                return;
            }
        }

        Assert.Fail("The watch ended before showing the final state.");
    }
}
