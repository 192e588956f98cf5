using RealtimeAdapters.InMemory;
using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class ChannelClientLifecycleTests
{
    [Fact]
    public async Task Metadata_InMemoryWithChannelCapabilities()
    {
        await using var client = new InMemoryChannelClient();

        Assert.Equal("InMemory", client.Metadata.ProviderName);
        Assert.Equal(
            RealtimeCapabilities.Channels | RealtimeCapabilities.History | RealtimeCapabilities.Presence | RealtimeCapabilities.EchoSuppression,
            client.Metadata.Capabilities);
    }

    [Fact]
    public async Task GetService_ReturnsHubItselfAndOptions_NullOtherwise()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        Assert.Same(hub, client.GetService(typeof(InMemoryChannelHub)));
        Assert.Same(client, client.GetService(typeof(InMemoryChannelClient)));
        Assert.Same(client, client.GetService(typeof(IChannelClient)));
        Assert.Same(hub.Options, client.GetService(typeof(InMemoryChannelOptions)));
        Assert.Null(client.GetService(typeof(string)));
        Assert.Null(client.GetService(typeof(InMemoryChannelHub), "key"));
    }

    [Fact]
    public async Task Constructor_WithoutHub_CreatesAPrivateHub()
    {
        await using var first = new InMemoryChannelClient(new InMemoryChannelClientOptions { ClientId = "x" });
        await using var second = new InMemoryChannelClient();

        Assert.NotSame(first.Hub, second.Hub);
        Assert.Equal("x", first.ClientId);
        Assert.Null(second.ClientId);
    }

    [Fact]
    public async Task Connection_ConnectedFromCreation_ConnectAsyncCompletes()
    {
        await using var client = new InMemoryChannelClient();

        Assert.Equal(ConnectionState.Connected, client.Connection.State);
        await client.Connection.ConnectAsync(cancellationToken: Ct);
    }

    [Fact]
    public async Task CloseAsync_WatchStateSeesClosingThenClosedThenEnds()
    {
        var client = new InMemoryChannelClient();
        await using var changes = client.Connection.WatchState();
        await using var reader = changes.GetAsyncEnumerator(cancellationToken: Ct);

        await client.Connection.CloseAsync(cancellationToken: Ct);

        var closing = await reader.NextAsync();
        var closed = await reader.NextAsync();
        Assert.Equal((ConnectionState.Connected, ConnectionState.Closing), (closing.Previous, closing.Current));
        Assert.Equal((ConnectionState.Closing, ConnectionState.Closed), (closed.Previous, closed.Current));
        await reader.AssertEndsAsync();
        Assert.Equal(ConnectionState.Closed, client.Connection.State);
        Assert.Equal(closed, client.Connection.LastChange);
    }

    [Fact]
    public async Task WatchState_AfterClose_EndsAtOnce()
    {
        var client = new InMemoryChannelClient();
        await client.DisposeAsync();

        await using var changes = client.Connection.WatchState();
        await using var reader = changes.GetAsyncEnumerator(cancellationToken: Ct);

        await reader.AssertEndsAsync();
    }

    [Fact]
    public async Task DisposeAsync_Twice_IsIdempotent()
    {
        var client = new InMemoryChannelClient();
        await using var changes = client.Connection.WatchState();
        await using var reader = changes.GetAsyncEnumerator(cancellationToken: Ct);

        await client.DisposeAsync();
        await client.DisposeAsync();
        await client.Connection.CloseAsync(cancellationToken: Ct);

        Assert.Equal(2, (await reader.TakeAsync(2)).Count);
        await reader.AssertEndsAsync();
    }

    [Fact]
    public async Task DisposeAsync_CompletesTheClientsSubscriptionsButNotOthers()
    {
        var (hub, _) = CreateHub();
        var client = hub.Client("c");
        await using var other = hub.Client("o");
        var messages = await client.GetChannel("room").SubscribeAsync(cancellationToken: Ct);
        var presence = await client.GetChannel("room").Presence.SubscribeAsync(cancellationToken: Ct);
        await using var othersMessages = await other.GetChannel("room").SubscribeAsync(cancellationToken: Ct);
        await using var othersReader = othersMessages.GetAsyncEnumerator(cancellationToken: Ct);
        await client.GetChannel("room").PublishAsync("e", "before close", cancellationToken: Ct);

        await client.DisposeAsync();
        await other.GetChannel("room").PublishAsync("e", "after close", cancellationToken: Ct);

        await using var messageReader = messages.GetAsyncEnumerator(cancellationToken: Ct);
        Assert.Equal("before close", (await messageReader.NextAsync()).Data());
        await messageReader.AssertEndsAsync();
        await presence.Completion.WaitAsync(WaitLimit, cancellationToken: Ct);
        Assert.Equal(["before close", "after close"], (await othersReader.TakeAsync(2)).Select(m => m.Data()));
    }

    [Fact]
    public async Task Operations_AfterClose_ThrowObjectDisposed()
    {
        var client = new InMemoryChannelClient(new InMemoryChannelClientOptions { ClientId = "c" });
        var channel = client.GetChannel("room");
        await client.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => client.GetChannel("room"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.PublishAsync("e", "x", cancellationToken: Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.SubscribeAsync(cancellationToken: Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.GetHistoryAsync(cancellationToken: Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.Presence.EnterAsync(cancellationToken: Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.Presence.GetAsync(cancellationToken: Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.Presence.SubscribeAsync(cancellationToken: Ct).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => channel.Presence.GetHistoryAsync(cancellationToken: Ct).AsTask());
        var connect = await Assert.ThrowsAsync<RealtimeConnectionException>(() => client.Connection.ConnectAsync(cancellationToken: Ct).AsTask());
        Assert.Equal("80017", connect.ErrorCode);
    }

    [Fact]
    public async Task HistoryNextPage_AfterClose_ThrowsObjectDisposed()
    {
        var client = new InMemoryChannelClient();
        var channel = client.GetChannel("room");
        await channel.PublishAsync([Message("e", "1"), Message("e", "2")], cancellationToken: Ct);
        var page = await channel.GetHistoryAsync(new HistoryQuery { Limit = 1 }, cancellationToken: Ct);
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => page.GetNextAsync(cancellationToken: Ct).AsTask());
    }

    [Fact]
    public async Task Operations_CancelledToken_ThrowBeforeDoingAnything()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client("c");
        var channel = client.GetChannel("room");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var token = cancelled.Token;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.PublishAsync([Message("e", "cancelled")], token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.SubscribeAsync(null, token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.GetHistoryAsync(null, token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.Presence.EnterAsync(default, token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.Presence.GetAsync(token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => channel.Presence.SubscribeAsync(null, token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Connection.CloseAsync(token).AsTask());
        await channel.PublishAsync("e", "sentinel", cancellationToken: Ct);

        Assert.Equal("sentinel", (await reader.NextAsync()).Data());
        Assert.Empty(await channel.Presence.GetAsync(cancellationToken: Ct));
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
    }

    [Fact]
    public void HubConstructor_InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryChannelHub(new InMemoryChannelOptions { MaxMessageSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryChannelHub(new InMemoryChannelOptions { MaxHistoryPerChannel = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryChannelHub(new InMemoryChannelOptions { HistoryRetention = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentNullException>(() => new InMemoryChannelHub(new InMemoryChannelOptions { TimeProvider = null! }));
    }
}
