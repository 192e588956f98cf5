namespace RealtimeAdapters.Abstractions.Tests.Connection;

public class ConnectionStateTrackerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static async Task<List<ConnectionStateChange>> DrainAsync(IRealtimeSubscription<ConnectionStateChange> subscription)
    {
        var changes = new List<ConnectionStateChange>();
        await foreach (var change in subscription.WithCancellation(TestContext.Current.CancellationToken))
        {
            changes.Add(change);
        }

        return changes;
    }

    [Fact]
    public async Task TryTransition_WatchersSeeEveryChangeInOrder_AndStreamEndsWhenClosed()
    {
        var tracker = new ConnectionStateTracker();
        var watch = tracker.Watch();
        var retryAt = DateTimeOffset.UnixEpoch.AddSeconds(10);
        var reason = new RealtimeConnectionException("lost");
        Assert.True(tracker.TryTransition(ConnectionState.Connecting));
        Assert.True(tracker.TryTransition(ConnectionState.Connected));
        Assert.True(tracker.TryTransition(ConnectionState.Disconnected, reason, retryAt));
        Assert.True(tracker.TryTransition(ConnectionState.Closing));
        Assert.True(tracker.TryTransition(ConnectionState.Closed));

        var changes = await DrainAsync(watch).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(
            [ConnectionState.Connecting, ConnectionState.Connected, ConnectionState.Disconnected, ConnectionState.Closing, ConnectionState.Closed],
            changes.Select(c => c.Current));
        Assert.Equal(ConnectionState.Connected, changes[2].Previous);
        Assert.Same(reason, changes[2].Reason);
        Assert.Equal(retryAt, changes[2].RetryAt);
        Assert.Equal(ConnectionState.Closed, tracker.State);
        Assert.Equal(changes[^1], tracker.LastChange);
    }

    [Fact]
    public void TryTransition_RefusesAfterTerminal_AndWhileClosing_AndIgnoresRepeats()
    {
        var tracker = new ConnectionStateTracker(ConnectionState.Connected);
        Assert.Equal(new ConnectionStateChange(ConnectionState.Initialized, ConnectionState.Connected), tracker.LastChange);
        Assert.False(tracker.TryTransition(ConnectionState.Connected));
        Assert.True(tracker.TryTransition(ConnectionState.Disconnected));
        Assert.True(tracker.TryTransition(ConnectionState.Disconnected, retryAt: DateTimeOffset.UnixEpoch));
        Assert.True(tracker.TryTransition(ConnectionState.Closing));
        Assert.True(tracker.IsEnded);
        Assert.False(tracker.TryTransition(ConnectionState.Connected));
        Assert.True(tracker.TryTransition(ConnectionState.Failed));
        Assert.False(tracker.TryTransition(ConnectionState.Connecting));
        Assert.Equal(ConnectionState.Failed, tracker.State);
    }

    [Fact]
    public async Task Watch_AfterTheEnd_CompletesAtOnce()
    {
        var tracker = new ConnectionStateTracker(ConnectionState.Connected);
        tracker.TryTransition(ConnectionState.Closed);
        Assert.Empty(await DrainAsync(tracker.Watch()).WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Watch_DisposedWatcher_IsNotWrittenTo()
    {
        var tracker = new ConnectionStateTracker();
        var early = tracker.Watch();
        var kept = tracker.Watch();
        await early.DisposeAsync();
        tracker.TryTransition(ConnectionState.Connecting);
        tracker.TryTransition(ConnectionState.Closed);
        Assert.Equal(2, (await DrainAsync(kept).WaitAsync(Timeout, TestContext.Current.CancellationToken)).Count);
        Assert.Empty(await DrainAsync(early).WaitAsync(Timeout, TestContext.Current.CancellationToken));
    }
}
