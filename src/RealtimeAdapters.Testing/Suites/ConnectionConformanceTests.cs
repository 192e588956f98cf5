using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// Connection state for stores and channel clients: connected once connected, closed after close with the transitions
/// observable, subscriptions ended, and every operation after disposal refused with <see cref="ObjectDisposedException"/>.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.None)]
public abstract class ConnectionConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>A new store is connected, or connecting, and is connected once <see cref="IRealtimeConnection.ConnectAsync"/> completes.</summary>
    [Fact]
    public async Task Store_ConnectAsync_IsConnected()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        Assert.Contains(store.Connection.State, new[] { ConnectionState.Initialized, ConnectionState.Connecting, ConnectionState.Connected });
        await store.Connection.ConnectAsync(Ct);
        Assert.Equal(ConnectionState.Connected, store.Connection.State);
        await store.Connection.ConnectAsync(Ct);
        Assert.Equal(ConnectionState.Connected, store.Connection.State);
    }

    /// <summary>Closing a store reaches Closed, reports the transitions in order, ends the state stream, and is idempotent.</summary>
    [Fact]
    public async Task Store_CloseAsync_TransitionsToClosed()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await AssertClosesAsync(store.Connection);
    }

    /// <summary>Disposing a store ends its open watches.</summary>
    [Fact]
    public async Task Store_DisposeAsync_EndsOpenWatches()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        var reader = await WatchPastInitialAsync(store, "open");
        await store.DisposeAsync();
        await reader.AssertEndsAsync();
        Assert.Equal(ConnectionState.Closed, store.Connection.State);
    }

    /// <summary>After disposal every store operation throws <see cref="ObjectDisposedException"/>; disposing again does nothing.</summary>
    [Fact]
    public async Task Store_AfterDispose_OperationsThrowObjectDisposed()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        await store.SetAsync("x", 1, Ct);
        await store.DisposeAsync();
        await store.DisposeAsync();
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.GetAsync("x", Ct).AsTask());
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.SetAsync("x", 2, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.UpdateAsync("x", new Dictionary<string, DataNode> { ["y"] = 1 }, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.PushAsync("x", 1, Ct).AsTask());
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.WatchAsync("x", cancellationToken: Ct).AsTask());
        if (Fixture.ClaimsStore(RealtimeCapabilities.Transactions))
        {
            await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.RunTransactionAsync("x", static _ => TransactionDecision.Abort(), cancellationToken: Ct).AsTask());
        }

        if (Fixture.ClaimsStore(RealtimeCapabilities.Priorities))
        {
            await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => store.SetPriorityAsync("x", 1, Ct).AsTask());
        }
    }

    /// <summary>Closing one store leaves the other stores of the backend working.</summary>
    [Fact]
    public async Task Store_CloseOne_OthersKeepWorking()
    {
        RequireStore(RealtimeCapabilities.Store);
        var backend = await NewBackendAsync();
        var closed = await backend.CreateStoreAsync(Ct);
        var open = await backend.CreateStoreAsync(Ct);
        var reader = await WatchPastInitialAsync(open, "still");
        await closed.DisposeAsync();
        await open.SetAsync("still/here", true, Ct);
        Assert.Equal(["ChildAdded here after -", "Value"], Describe(await reader.NextAsync(2, "the events after the other store closed")));
    }

    /// <summary>A new channel client is connected, or connecting, and is connected once <see cref="IRealtimeConnection.ConnectAsync"/> completes.</summary>
    [Fact]
    public async Task ChannelClient_ConnectAsync_IsConnected()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        Assert.Contains(client.Connection.State, new[] { ConnectionState.Initialized, ConnectionState.Connecting, ConnectionState.Connected });
        await client.Connection.ConnectAsync(Ct);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
    }

    /// <summary>Closing a channel client reaches Closed, reports the transitions in order, ends the state stream, and is idempotent.</summary>
    [Fact]
    public async Task ChannelClient_CloseAsync_TransitionsToClosed()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        await AssertClosesAsync(client.Connection);
    }

    /// <summary>Disposing a channel client ends its subscriptions.</summary>
    [Fact]
    public async Task ChannelClient_DisposeAsync_EndsSubscriptions()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var reader = Read(await client.GetChannel("open").SubscribeAsync(cancellationToken: Ct));
        await client.DisposeAsync();
        await reader.AssertEndsAsync();
        Assert.Equal(ConnectionState.Closed, client.Connection.State);
    }

    /// <summary>After disposal every channel operation throws <see cref="ObjectDisposedException"/>; disposing again does nothing.</summary>
    [Fact]
    public async Task ChannelClient_AfterDispose_OperationsThrowObjectDisposed()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("gone"), Ct);
        var channel = client.GetChannel("c");
        await client.DisposeAsync();
        await client.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => client.GetChannel("other"));
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => channel.PublishAsync("x", "y", Ct).AsTask());
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => channel.SubscribeAsync(cancellationToken: Ct).AsTask());
        if (Fixture.ClaimsChannels(RealtimeCapabilities.History))
        {
            await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => channel.GetHistoryAsync(cancellationToken: Ct).AsTask());
        }

        if (Fixture.ClaimsChannels(RealtimeCapabilities.Presence))
        {
            await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => channel.Presence.EnterAsync(cancellationToken: Ct).AsTask());
            await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => channel.Presence.GetAsync(Ct).AsTask());
        }
    }

    /// <summary>Closing one channel client leaves the other clients of the backend working.</summary>
    [Fact]
    public async Task ChannelClient_CloseOne_OthersKeepWorking()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var closed = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var publisher = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var subscriber = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        await closed.GetChannel("c").SubscribeAsync(cancellationToken: Ct);
        var reader = Read(await subscriber.GetChannel("c").SubscribeAsync(cancellationToken: Ct));
        await closed.Connection.CloseAsync(Ct);
        await publisher.GetChannel("c").PublishAsync("after", "x", Ct);
        Assert.Equal("after", (await reader.NextAsync("the message after another client closed")).Name);
    }

    private async Task AssertClosesAsync(IRealtimeConnection connection)
    {
        await connection.ConnectAsync(Ct);
        var states = Read(connection.WatchState());
        await connection.CloseAsync(Ct);
        Assert.Equal(ConnectionState.Closed, connection.State);
        var changes = await states.ReadUntilAsync(static c => c.Current == ConnectionState.Closed, "the transition to Closed");
        Assert.Equal(ConnectionState.Connected, changes[0].Previous);
        for (var i = 1; i < changes.Count; i++)
        {
            Assert.Equal(changes[i - 1].Current, changes[i].Previous);
        }

        Assert.All(changes, static c => Assert.Contains(c.Current, new[] { ConnectionState.Closing, ConnectionState.Closed }));
        Assert.Equal(ConnectionState.Closed, connection.LastChange?.Current);
        await states.AssertEndsAsync();
        await connection.CloseAsync(Ct);
        Assert.Equal(ConnectionState.Closed, connection.State);
    }
}
