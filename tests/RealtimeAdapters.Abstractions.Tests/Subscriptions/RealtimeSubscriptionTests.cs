namespace RealtimeAdapters.Abstractions.Tests.Subscriptions;

public class RealtimeSubscriptionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TryWrite_BufferFullUnderFail_EndsWithOverflowAfterQueuedItems()
    {
        var sub = new RealtimeSubscription<int>(new SubscriptionBufferOptions { Capacity = 2 });
        Assert.True(sub.TryWrite(1));
        Assert.True(sub.TryWrite(2));
        Assert.False(sub.TryWrite(3));
        Assert.False(sub.TryWrite(4));
        var received = new List<int>();
        var ex = await Assert.ThrowsAsync<SubscriptionOverflowException>(async () =>
        {
            await foreach (var i in sub.WithCancellation(TestContext.Current.CancellationToken))
            {
                received.Add(i);
            }
        }).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal([1, 2], received);
        Assert.Contains("2 events", ex.Message, StringComparison.Ordinal);
        Assert.True(sub.Completion.IsFaulted);
    }

    [Fact]
    public async Task TryWrite_DropOldest_KeepsNewest()
    {
        var sub = new RealtimeSubscription<int>(new SubscriptionBufferOptions { Capacity = 2, OverflowPolicy = BufferOverflowPolicy.DropOldest });
        for (var i = 1; i <= 5; i++)
        {
            Assert.True(sub.TryWrite(i));
        }

        sub.Complete();
        var received = new List<int>();
        await foreach (var i in sub.WithCancellation(TestContext.Current.CancellationToken))
        {
            received.Add(i);
        }

        Assert.Equal([4, 5], received);
    }

    [Fact]
    public async Task DisposeAsync_CallsOnDisposeOnce_AndEndsTheStream()
    {
        var calls = 0;
        var sub = new RealtimeSubscription<int>(onDispose: () => { calls++; return ValueTask.CompletedTask; });
        var enumerator = sub.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        var pending = enumerator.MoveNextAsync().AsTask();
        await sub.DisposeAsync();
        await sub.DisposeAsync();
        Assert.False(await pending.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        Assert.Equal(1, calls);
        Assert.False(sub.TryWrite(1));
        Assert.False(sub.IsActive);
    }

    [Fact]
    public async Task Complete_WithError_ReaderSeesItAfterItems()
    {
        var sub = new RealtimeSubscription<int>();
        sub.TryWrite(7);
        sub.Complete(new RealtimePermissionException("denied"));
        var enumerator = sub.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Equal(7, enumerator.Current);
        await Assert.ThrowsAsync<RealtimePermissionException>(async () => await enumerator.MoveNextAsync());
    }

    [Fact]
    public void Constructor_ZeroCapacity_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealtimeSubscription<int>(new SubscriptionBufferOptions { Capacity = 0 }));
    }

    [Fact]
    public async Task Unbounded_AcceptsMany()
    {
        var sub = new RealtimeSubscription<int>(new SubscriptionBufferOptions { Capacity = null });
        for (var i = 0; i < 200_000; i++)
        {
            Assert.True(sub.TryWrite(i));
        }

        Assert.Equal(200_000, sub.Count);
        await sub.DisposeAsync();
    }
}
