using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class ChannelBufferingTests
{
    [Fact]
    public async Task SlowSubscriber_CapacityTwoFail_OverflowsWhileAnotherSubscriberGetsEverything()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("fast");
        await using var slow = await channel.SubscribeAsync(new ChannelSubscriptionOptions
        {
            Buffer = new SubscriptionBufferOptions { Capacity = 2, OverflowPolicy = BufferOverflowPolicy.Fail },
        }, cancellationToken: Ct);
        await using var fast = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var fastReader = fast.GetAsyncEnumerator(cancellationToken: Ct);

        for (var i = 0; i < 10; i++)
        {
            await channel.PublishAsync("e", $"m{i}", cancellationToken: Ct);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), (await fastReader.TakeAsync(10)).Select(m => m.Data()));
        await using var slowReader = slow.GetAsyncEnumerator(cancellationToken: Ct);
        Assert.Equal(["m0", "m1"], (await slowReader.TakeAsync(2)).Select(m => m.Data()));
        await Assert.ThrowsAsync<SubscriptionOverflowException>(() => slowReader.MoveNextAsync().AsTask().WaitAsync(WaitLimit, cancellationToken: Ct));
        await Assert.ThrowsAsync<SubscriptionOverflowException>(() => slow.Completion.WaitAsync(WaitLimit, cancellationToken: Ct));
    }

    [Fact]
    public async Task SlowSubscriber_AfterOverflow_PublishingContinuesForOthers()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("fast");
        await using var slow = await channel.SubscribeAsync(new ChannelSubscriptionOptions { Buffer = new SubscriptionBufferOptions { Capacity = 1 } }, cancellationToken: Ct);
        await using var fast = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var fastReader = fast.GetAsyncEnumerator(cancellationToken: Ct);

        await channel.PublishAsync([Message("e", "1"), Message("e", "2"), Message("e", "3")], cancellationToken: Ct);
        await channel.PublishAsync("e", "4", cancellationToken: Ct);

        Assert.Equal(["1", "2", "3", "4"], (await fastReader.TakeAsync(4)).Select(m => m.Data()));
        await using var slowReader = slow.GetAsyncEnumerator(Ct);
        Assert.Equal("1", (await slowReader.NextAsync()).Data());
        await Assert.ThrowsAsync<SubscriptionOverflowException>(() => slowReader.MoveNextAsync().AsTask().WaitAsync(WaitLimit, Ct));
    }

    [Fact]
    public async Task SlowSubscriber_DropOldest_KeepsTheNewest()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("positions");
        await using var latest = await channel.SubscribeAsync(new ChannelSubscriptionOptions
        {
            Buffer = new SubscriptionBufferOptions { Capacity = 3, OverflowPolicy = BufferOverflowPolicy.DropOldest },
        }, cancellationToken: Ct);

        for (var i = 0; i < 10; i++)
        {
            await channel.PublishAsync("pos", $"p{i}", cancellationToken: Ct);
        }

        await using var reader = latest.GetAsyncEnumerator(cancellationToken: Ct);
        Assert.Equal(["p7", "p8", "p9"], (await reader.TakeAsync(3)).Select(m => m.Data()));
        await channel.PublishAsync("pos", "p10", cancellationToken: Ct);
        Assert.Equal("p10", (await reader.NextAsync()).Data());
        Assert.False(latest.Completion.IsCompleted);
    }

    [Fact]
    public async Task PresenceSubscriber_CapacityOneFail_OverflowsWithoutAffectingPresence()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client("alice");
        var presence = client.GetChannel("room").Presence;
        await using var slow = await presence.SubscribeAsync(new PresenceSubscriptionOptions { Buffer = new SubscriptionBufferOptions { Capacity = 1 } }, cancellationToken: Ct);

        await presence.EnterAsync(cancellationToken: Ct);
        await presence.UpdateAsync("x", cancellationToken: Ct);
        await presence.UpdateAsync("y", cancellationToken: Ct);

        await using var slowReader = slow.GetAsyncEnumerator(Ct);
        Assert.Equal(PresenceAction.Enter, (await slowReader.NextAsync()).Action);
        await Assert.ThrowsAsync<SubscriptionOverflowException>(() => slowReader.MoveNextAsync().AsTask().WaitAsync(WaitLimit, Ct));
        Assert.Equal("y", Assert.Single(await presence.GetAsync(cancellationToken: Ct)).Data.AsString());
    }

    [Fact]
    public async Task SubscribeAsync_InvalidCapacity_ThrowsArgumentOutOfRange()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetChannel("c").SubscribeAsync(
            new ChannelSubscriptionOptions { Buffer = new SubscriptionBufferOptions { Capacity = 0 } }, cancellationToken: Ct).AsTask());
    }

    [Fact]
    public async Task Subscription_CountIncludesEventsTheReaderHasNotReadYet()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("count");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        await channel.PublishAsync(Enumerable.Range(0, 100).Select(i => Message("e", $"{i}")).ToArray(), Ct);

        await reader.NextAsync();

        Assert.Equal(99, ((RealtimeSubscription<ChannelMessage>)subscription).Count);
    }

    [Fact]
    public async Task Subscription_AllEventsReadThenClientCloses_CompletionCompletesWithoutAnotherRead()
    {
        var (hub, _) = CreateHub();
        var client = hub.Client();
        var channel = client.GetChannel("complete");
        var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        var reader = subscription.GetAsyncEnumerator(Ct);
        await channel.PublishAsync(Enumerable.Range(0, 100).Select(i => Message("e", $"{i}")).ToArray(), Ct);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"{i}"), (await reader.TakeAsync(100)).Select(m => m.Data()));

        await client.DisposeAsync();

        await subscription.Completion.WaitAsync(WaitLimit, Ct);
        await reader.AssertEndsAsync();
    }

    [Fact]
    public async Task Subscription_BreakOutOfAwaitForeach_NextEnumerationContinuesWithoutLoss()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("resume-reading");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await channel.PublishAsync(Enumerable.Range(0, 100).Select(i => Message("e", $"{i}")).ToArray(), Ct);

        var first = new List<string>();
        await foreach (var message in subscription.WithCancellation(Ct))
        {
            first.Add(message.Data());
            if (first.Count == 3)
            {
                break;
            }
        }

        await channel.PublishAsync("e", "100", Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        var rest = await reader.TakeAsync(98);

        Assert.Equal(["0", "1", "2"], first);
        Assert.Equal(Enumerable.Range(3, 98).Select(i => $"{i}"), rest.Select(m => m.Data()));
    }
}
