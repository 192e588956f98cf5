using RealtimeAdapters.InMemory;
using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class ChannelPublishSubscribeTests
{
    [Fact]
    public async Task PublishAsync_SeveralMessages_SubscriberReceivesThemInPublishOrder()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("orders");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync([Message("a", "1"), Message("b", "2")], cancellationToken: Ct);
        await channel.PublishAsync(Message("c", "3"), cancellationToken: Ct);

        var received = await reader.TakeAsync(3);
        Assert.Equal(["1", "2", "3"], received.Select(m => m.Data()));
        Assert.Equal(["a", "b", "c"], received.Select(m => m.Name));
    }

    [Fact]
    public async Task SubscribeAsyncByEventNames_WithToken_FiltersAndHonoursCancellation()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("named");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await channel.SubscribeAsync(["joined"], cancelled.Token));
        await using var subscription = await channel.SubscribeAsync(["joined", "left"], Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);
        await channel.PublishAsync([Message("typing", "1"), Message("left", "2")], cancellationToken: Ct);

        Assert.Equal("2", (await reader.NextAsync()).Data());
    }

    [Fact]
    public async Task SubscribeAsync_AfterPublish_DoesNotReceiveEarlierMessages()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("late");
        await channel.PublishAsync("e", "before", cancellationToken: Ct);
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync("e", "after", cancellationToken: Ct);

        Assert.Equal("after", (await reader.NextAsync()).Data());
    }

    [Fact]
    public async Task SubscribeAsync_WithEventNames_DeliversOnlyThoseNames()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("filtered");
        await using var subscription = await channel.SubscribeAsync("keep", "also");
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync([Message("drop", "1"), Message("keep", "2"), Message(null, "3"), Message("also", "4"), Message("KEEP", "5")], cancellationToken: Ct);

        Assert.Equal(["2", "4"], (await reader.TakeAsync(2)).Select(m => m.Data()));
        await channel.PublishAsync("keep", "6", cancellationToken: Ct);
        Assert.Equal("6", (await reader.NextAsync()).Data());
    }

    [Fact]
    public async Task SubscribeAsync_WithManyEventNames_MatchesThroughTheSetPath()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("many-names");
        var names = Enumerable.Range(0, 20).Select(i => $"n{i}").ToArray();
        await using var subscription = await channel.SubscribeAsync(names);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync([Message("other", "x"), Message("n19", "y"), Message("n0", "z")], cancellationToken: Ct);

        Assert.Equal(["y", "z"], (await reader.TakeAsync(2)).Select(m => m.Data()));
    }

    [Fact]
    public async Task PublishAsync_EchoOff_OwnMessagesNotDeliveredToOwnSubscriptionsButToOthers()
    {
        var (hub, _) = CreateHub();
        await using var quiet = hub.Client("quiet", echo: false);
        await using var other = hub.Client("other");
        await using var own = await quiet.GetChannel("room").SubscribeAsync(cancellationToken: Ct);
        await using var ownReader = own.GetAsyncEnumerator(cancellationToken: Ct);
        await using var others = await other.GetChannel("room").SubscribeAsync(cancellationToken: Ct);
        await using var othersReader = others.GetAsyncEnumerator(cancellationToken: Ct);

        await quiet.GetChannel("room").PublishAsync("m", "from quiet", cancellationToken: Ct);
        await other.GetChannel("room").PublishAsync("m", "from other", cancellationToken: Ct);

        Assert.Equal("from other", (await ownReader.NextAsync()).Data());
        Assert.Equal(["from quiet", "from other"], (await othersReader.TakeAsync(2)).Select(m => m.Data()));
    }

    [Fact]
    public async Task PublishAsync_EchoOn_OwnMessagesDelivered()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client("me");
        await using var subscription = await client.GetChannel("room").SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await client.GetChannel("room").PublishAsync("m", "mine", cancellationToken: Ct);

        Assert.Equal("mine", (await reader.NextAsync()).Data());
    }

    [Fact]
    public async Task PublishAsync_TwoClientsOnOneHub_EachReceivesTheOthersMessagesWithOrigin()
    {
        var (hub, _) = CreateHub();
        await using var alice = hub.Client("alice");
        await using var bob = hub.Client("bob");
        await using var bobSubscription = await bob.GetChannel("chat").SubscribeAsync(cancellationToken: Ct);
        await using var bobReader = bobSubscription.GetAsyncEnumerator(cancellationToken: Ct);

        await alice.GetChannel("chat").PublishAsync("greeting", "hi bob", cancellationToken: Ct);

        var message = await bobReader.NextAsync();
        Assert.Equal("hi bob", message.Data());
        Assert.Equal("alice", message.ClientId);
        Assert.Equal(alice.ConnectionId, message.ConnectionId);
        Assert.NotEqual(alice.ConnectionId, bob.ConnectionId);
    }

    [Fact]
    public async Task PublishAsync_StampsIdConnectionIdClientIdTimestampAndIncreasingSerials()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client("stamper");
        var channel = client.GetChannel("stamps");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync([Message("a", "1"), Message("b", "2")], cancellationToken: Ct);
        time.Advance(TimeSpan.FromSeconds(3));
        await channel.PublishAsync(Message("c", "3"), cancellationToken: Ct);

        var received = await reader.TakeAsync(3);
        Assert.All(received, m => Assert.Equal(client.ConnectionId, m.ConnectionId));
        Assert.All(received, m => Assert.Equal("stamper", m.ClientId));
        Assert.All(received, m => Assert.StartsWith(client.ConnectionId + ":", m.Id, StringComparison.Ordinal));
        Assert.Equal(3, received.Select(m => m.Id).Distinct().Count());
        Assert.EndsWith(":0", received[0].Id, StringComparison.Ordinal);
        Assert.EndsWith(":1", received[1].Id, StringComparison.Ordinal);
        Assert.Equal(Start, received[0].Timestamp);
        Assert.Equal(Start, received[1].Timestamp);
        Assert.Equal(Start.AddSeconds(3), received[2].Timestamp);
        var serials = received.Select(m => m.Serial!).ToArray();
        Assert.Equal(serials.Order(StringComparer.Ordinal), serials);
        Assert.Equal(3, serials.Distinct().Count());
    }

    [Fact]
    public async Task PublishAsync_ExplicitIdKept_OriginalMessageNotModified()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("ids");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);
        var original = Message("e", "x") with { Id = "my-id" };

        await channel.PublishAsync(original, cancellationToken: Ct);

        var received = await reader.NextAsync();
        Assert.Equal("my-id", received.Id);
        Assert.Null(original.Serial);
        Assert.Null(original.ConnectionId);
        Assert.Null(received.ClientId);
    }

    [Fact]
    public async Task PublishAsync_SameIdTwice_DeliveredAndStoredOnce()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        await using var other = hub.Client();
        var channel = client.GetChannel("idem");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync(Message("e", "first") with { Id = "dup" }, cancellationToken: Ct);
        await channel.PublishAsync(Message("e", "again") with { Id = "dup" }, cancellationToken: Ct);
        await other.GetChannel("idem").PublishAsync([Message("e", "third") with { Id = "dup" }, Message("e", "next")], cancellationToken: Ct);

        Assert.Equal(["first", "next"], (await reader.TakeAsync(2)).Select(m => m.Data()));
        var history = await channel.GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal(["next", "first"], history.Items.Select(m => m.Data()));
    }

    [Fact]
    public async Task PublishAsync_DuplicateWithinOneBatch_SecondSkipped()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("idem-batch");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync([Message("e", "1") with { Id = "x" }, Message("e", "2") with { Id = "x" }, Message("e", "3")], cancellationToken: Ct);

        Assert.Equal(["1", "3"], (await reader.TakeAsync(2)).Select(m => m.Data()));
        Assert.Equal(2, (await channel.GetHistoryAsync(cancellationToken: Ct)).Items.Count);
    }

    [Fact]
    public async Task PublishAsync_RepublishingAGeneratedId_IsADuplicate()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("relay");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);
        await channel.PublishAsync([Message("e", "a"), Message("e", "b")], cancellationToken: Ct);
        var received = await reader.TakeAsync(2);

        await channel.PublishAsync([received[1] with { Serial = null }, received[0] with { Serial = null }, Message("e", "c")], cancellationToken: Ct);

        Assert.Equal("c", (await reader.NextAsync()).Data());
    }

    [Fact]
    public async Task PublishAsync_DuplicateIdAfterRetention_IsPublishedAgain()
    {
        var (hub, time) = CreateHub(o => o.HistoryRetention = TimeSpan.FromMinutes(2));
        await using var client = hub.Client();
        var channel = client.GetChannel("idem-expiry");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync(Message("e", "1") with { Id = "once" }, cancellationToken: Ct);
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        await channel.PublishAsync(Message("e", "2") with { Id = "once" }, cancellationToken: Ct);

        Assert.Equal(["1", "2"], (await reader.TakeAsync(2)).Select(m => m.Data()));
    }

    [Fact]
    public async Task PublishAsync_SizeExactlyAtLimit_Passes_OneByteOver_FailsWith40009AndNothingDelivered()
    {
        var (hub, _) = CreateHub(o => o.MaxMessageSize = 100);
        await using var client = hub.Client("cid");
        var channel = client.GetChannel("sizes");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);
        var atLimit = Message("name", new string('x', 96));
        var overLimit = Message("name", new string('y', 97));
        Assert.Equal(100, atLimit.GetSize());
        Assert.Equal(101, overLimit.GetSize());

        await channel.PublishAsync(atLimit, cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<MessageTooLargeException>(() => channel.PublishAsync([Message("ok", "small"), overLimit], cancellationToken: Ct).AsTask());
        await channel.PublishAsync("after", "sentinel", cancellationToken: Ct);

        Assert.Equal("40009", error.ErrorCode);
        Assert.Equal(101, error.Size);
        Assert.Equal(100, error.Limit);
        Assert.Contains("index 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(["name", "after"], (await reader.TakeAsync(2)).Select(m => m.Name));
        Assert.Equal(2, (await channel.GetHistoryAsync(cancellationToken: Ct)).Items.Count);
    }

    [Fact]
    public async Task PublishAsync_SizeCountsMultiByteUtf8AndClientId()
    {
        var (hub, _) = CreateHub(o => o.MaxMessageSize = 10);
        await using var client = hub.Client("ab");
        var channel = client.GetChannel("utf8");

        await channel.PublishAsync(Message(null, "ééé") with { ClientId = "ab" }, cancellationToken: Ct); // 6 + 2 bytes
        var error = await Assert.ThrowsAsync<MessageTooLargeException>(() => channel.PublishAsync(Message("n", "éééé") with { ClientId = "ab" }, cancellationToken: Ct).AsTask());

        Assert.Equal(11, error.Size);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[meta]x")]
    [InlineData(":x")]
    [InlineData("a\u0001b")]
    public async Task GetChannel_InvalidName_Throws40010(string name)
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        var error = Assert.Throws<RealtimeValidationException>(() => client.GetChannel(name));

        Assert.Equal("40010", error.ErrorCode);
    }

    [Fact]
    public async Task GetChannel_SameName_ReturnsSameInstance_DifferentClientsDifferentInstances()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        await using var other = hub.Client();

        Assert.Same(client.GetChannel("a:b"), client.GetChannel("a:b"));
        Assert.NotSame(client.GetChannel("a:b"), client.GetChannel("a:c"));
        Assert.NotSame(client.GetChannel("a:b"), other.GetChannel("a:b"));
        Assert.Equal("a:b", client.GetChannel("a:b").Name);
    }

    [Fact]
    public async Task PublishAsync_MessageNamesAnotherClientId_Throws40012AndPublishesNothing()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client("alice");
        var channel = client.GetChannel("ids");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(
            () => channel.PublishAsync([Message("a", "1") with { ClientId = "alice" }, Message("b", "2") with { ClientId = "mallory" }], cancellationToken: Ct).AsTask());
        await channel.PublishAsync("sentinel", "s", cancellationToken: Ct);

        Assert.Equal("40012", error.ErrorCode);
        Assert.Contains("mallory", error.Message, StringComparison.Ordinal);
        Assert.Equal("sentinel", (await reader.NextAsync()).Name);
    }

    [Fact]
    public async Task PublishAsync_AnonymousClientWithExplicitClientId_IsAllowed()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("anon");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync(Message("e", "x") with { ClientId = "named" }, cancellationToken: Ct);

        Assert.Equal("named", (await reader.NextAsync()).ClientId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    public async Task PublishAsync_InvalidMessageClientId_Throws40012(string clientId)
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(
            () => client.GetChannel("c").PublishAsync(Message("e", "x") with { ClientId = clientId }, cancellationToken: Ct).AsTask());

        Assert.Equal("40012", error.ErrorCode);
    }

    [Fact]
    public async Task PublishAsync_EmptyId_Throws40031()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(
            () => client.GetChannel("c").PublishAsync(Message("e", "x") with { Id = "" }, cancellationToken: Ct).AsTask());

        Assert.Equal("40031", error.ErrorCode);
    }

    [Fact]
    public async Task PublishAsync_NullMessageInBatch_ThrowsArgumentException()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        await Assert.ThrowsAsync<ArgumentException>(() => client.GetChannel("c").PublishAsync([Message("e", "x"), null!], cancellationToken: Ct).AsTask());
    }

    [Fact]
    public async Task PublishAsync_EmptyBatch_DoesNothing()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("empty");

        await channel.PublishAsync([], cancellationToken: Ct);

        Assert.Empty((await channel.GetHistoryAsync(cancellationToken: Ct)).Items);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    public void Constructor_InvalidClientId_Throws40012(string clientId)
    {
        var error = Assert.Throws<RealtimeValidationException>(() => new InMemoryChannelClient(new InMemoryChannelClientOptions { ClientId = clientId }));

        Assert.Equal("40012", error.ErrorCode);
    }

    [Fact]
    public async Task SubscribeAsync_Disposed_StopsReceivingAndOthersContinue()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("unsub");
        var first = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var second = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var secondReader = second.GetAsyncEnumerator(cancellationToken: Ct);

        await first.DisposeAsync();
        await channel.PublishAsync("e", "x", cancellationToken: Ct);

        Assert.Equal("x", (await secondReader.NextAsync()).Data());
        await using var firstReader = first.GetAsyncEnumerator(cancellationToken: Ct);
        await firstReader.AssertEndsAsync();
        await first.Completion.WaitAsync(WaitLimit, cancellationToken: Ct);
    }
}
