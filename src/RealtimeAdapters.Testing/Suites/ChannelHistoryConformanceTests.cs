using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>History: newest first by default, forwards on request, paging, time ranges, limit validation (40003), untilAttach and retention.</summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.History)]
public abstract class ChannelHistoryConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>Claimed: the metadata says so and history holds a published message. Not claimed: reading history is refused with <see cref="RealtimeNotSupportedException"/>.</summary>
    [Fact]
    public async Task Capability_History_WorksWhenClaimedAndIsRefusedWhenNot()
    {
        if (Fixture.ClaimsChannels(RealtimeCapabilities.History))
        {
            var channel = await NewChannelAsync("h");
            await channel.PublishAsync("m", "x", Ct);
            Assert.Equal("m", Assert.Single((await channel.GetHistoryAsync(cancellationToken: Ct)).Items).Name);
        }
        else
        {
            await AssertNotSupportedAsync(RealtimeCapabilities.History, async backend =>
            {
                var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
                await client.GetChannel("h").GetHistoryAsync(cancellationToken: Ct);
            });
        }
    }

    /// <summary>By default history comes newest first, in one page.</summary>
    [Fact]
    public async Task GetHistoryAsync_Default_NewestFirst()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(5);
        var page = await channel.GetHistoryAsync(cancellationToken: Ct);
        Assert.Equal(["m4", "m3", "m2", "m1", "m0"], page.Items.Select(static m => m.Name));
        Assert.False(page.HasNext);
    }

    /// <summary>Forwards history comes oldest first.</summary>
    [Fact]
    public async Task GetHistoryAsync_Forwards_OldestFirst()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(5);
        var page = await channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards }, Ct);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], page.Items.Select(static m => m.Name));
    }

    /// <summary>Backwards pages hold at most the limit; the last one says there is no next page.</summary>
    [Fact]
    public async Task GetHistoryAsync_PagingBackwards_WalksAllPages()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(5);
        var first = await channel.GetHistoryAsync(new HistoryQuery { Limit = 2 }, Ct);
        Assert.Equal(["m4", "m3"], first.Items.Select(static m => m.Name));
        Assert.True(first.HasNext);
        var second = await first.GetNextAsync(Ct);
        Assert.Equal(["m2", "m1"], second.Items.Select(static m => m.Name));
        Assert.True(second.HasNext);
        var third = await second.GetNextAsync(Ct);
        Assert.Equal(["m0"], third.Items.Select(static m => m.Name));
        Assert.False(third.HasNext);
        await Assert.ThrowsAsync<InvalidOperationException>(() => third.GetNextAsync(Ct).AsTask());
    }

    /// <summary>Forwards pages walk from the oldest message.</summary>
    [Fact]
    public async Task GetHistoryAsync_PagingForwards_WalksAllPages()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(5);
        var first = await channel.GetHistoryAsync(new HistoryQuery { Limit = 3, Direction = HistoryDirection.Forwards }, Ct);
        Assert.Equal(["m0", "m1", "m2"], first.Items.Select(static m => m.Name));
        var second = await first.GetNextAsync(Ct);
        Assert.Equal(["m3", "m4"], second.Items.Select(static m => m.Name));
        Assert.False(second.HasNext);
    }

    /// <summary>Messages published between reading pages do not shift the pages being walked.</summary>
    [Fact]
    public async Task GetHistoryAsync_PublishWhilePaging_DoesNotRepeatOrSkip()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (backend, channel) = await PublishedAsync(4);
        var first = await channel.GetHistoryAsync(new HistoryQuery { Limit = 2 }, Ct);
        Tick(backend);
        await channel.PublishAsync("late", "x", Ct);
        var second = await first.GetNextAsync(Ct);
        Assert.Equal(["m3", "m2"], first.Items.Select(static m => m.Name));
        Assert.Equal(["m1", "m0"], second.Items.Select(static m => m.Name));
    }

    /// <summary>Reading all pages streams every message once, in order.</summary>
    [Fact]
    public async Task GetHistoryAsync_ReadAll_StreamsEveryPage()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(7);
        var names = new List<string?>();
        await foreach (var message in (await channel.GetHistoryAsync(new HistoryQuery { Limit = 3 }, Ct)).ReadAllAsync(Ct))
        {
            names.Add(message.Name);
        }

        Assert.Equal(["m6", "m5", "m4", "m3", "m2", "m1", "m0"], names);
    }

    /// <summary>Start and end (inclusive) select by the backend's timestamps, in either direction.</summary>
    [Fact]
    public async Task GetHistoryAsync_StartAndEnd_SelectInclusiveRange()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(5);
        var all = (await channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards }, Ct)).Items;
        Assert.All(all, static m => Assert.NotNull(m.Timestamp));
        var start = all[1].Timestamp!.Value;
        var end = all[3].Timestamp!.Value;
        var expected = all.Where(m => m.Timestamp >= start && m.Timestamp <= end).Select(static m => m.Name).ToList();
        Assert.Contains("m1", expected);
        Assert.Contains("m3", expected);

        var forwards = await channel.GetHistoryAsync(new HistoryQuery { Start = start, End = end, Direction = HistoryDirection.Forwards }, Ct);
        Assert.Equal(expected, forwards.Items.Select(static m => m.Name));
        var backwards = await channel.GetHistoryAsync(new HistoryQuery { Start = start, End = end }, Ct);
        Assert.Equal(Enumerable.Reverse(expected), backwards.Items.Select(static m => m.Name));
        var fromStart = await channel.GetHistoryAsync(new HistoryQuery { Start = start, Direction = HistoryDirection.Forwards }, Ct);
        Assert.Equal(all.Where(m => m.Timestamp >= start).Select(static m => m.Name), fromStart.Items.Select(static m => m.Name));
        var untilEnd = await channel.GetHistoryAsync(new HistoryQuery { End = end, Direction = HistoryDirection.Forwards }, Ct);
        Assert.Equal(all.Where(m => m.Timestamp <= end).Select(static m => m.Name), untilEnd.Items.Select(static m => m.Name));
    }

    /// <summary>Out-of-range limits and a start after the end are refused with <see cref="RealtimeValidationException"/> (40003).</summary>
    /// <param name="limit">The page size.</param>
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task GetHistoryAsync_InvalidLimit_IsRefused(int limit)
    {
        RequireChannels(RealtimeCapabilities.History);
        var channel = await NewChannelAsync("limits");
        var ex = await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => channel.GetHistoryAsync(new HistoryQuery { Limit = limit }, Ct).AsTask());
        Assert.Equal("40003", ex.ErrorCode);
    }

    /// <summary>A start after the end, or untilAttach forwards, is refused with <see cref="RealtimeValidationException"/> (40003).</summary>
    [Fact]
    public async Task GetHistoryAsync_InvalidRangeOrDirection_IsRefused()
    {
        RequireChannels(RealtimeCapabilities.History);
        var channel = await NewChannelAsync("range");
        var t = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var ex = await Assert.ThrowsAnyAsync<RealtimeValidationException>(() => channel.GetHistoryAsync(new HistoryQuery { Start = t, End = t.AddSeconds(-1) }, Ct).AsTask());
        Assert.Equal("40003", ex.ErrorCode);
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await Assert.ThrowsAnyAsync<RealtimeValidationException>(() =>
            channel.GetHistoryAsync(new HistoryQuery { UntilAttach = true, Direction = HistoryDirection.Forwards }, Ct).AsTask());
    }

    /// <summary>The limits 1 and 1000 are accepted.</summary>
    [Fact]
    public async Task GetHistoryAsync_LimitBounds_AreAccepted()
    {
        RequireChannels(RealtimeCapabilities.History);
        var (_, channel) = await PublishedAsync(2);
        Assert.Equal(["m1"], (await channel.GetHistoryAsync(new HistoryQuery { Limit = 1 }, Ct)).Items.Select(static m => m.Name));
        Assert.Equal(2, (await channel.GetHistoryAsync(new HistoryQuery { Limit = HistoryQuery.MaxLimit }, Ct)).Items.Count);
    }

    /// <summary>A channel without messages has an empty last page.</summary>
    [Fact]
    public async Task GetHistoryAsync_EmptyChannel_IsEmptyLastPage()
    {
        RequireChannels(RealtimeCapabilities.History);
        var channel = await NewChannelAsync("empty");
        var page = await channel.GetHistoryAsync(cancellationToken: Ct);
        Assert.Empty(page.Items);
        Assert.False(page.HasNext);
    }

    /// <summary>History messages carry what live subscribers saw: id, name, data, client id, connection id, timestamp.</summary>
    [Fact]
    public async Task GetHistoryAsync_Messages_MatchDeliveredMessages()
    {
        RequireChannels(RealtimeCapabilities.History);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("writer"), Ct)).GetChannel("fields");
        var reader = Read(await (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("fields").SubscribeAsync(cancellationToken: Ct));
        await publisher.PublishAsync("n", MessageData.FromBytes([1, 2, 3]), Ct);
        var live = await reader.NextAsync("the live message");
        var stored = Assert.Single((await publisher.GetHistoryAsync(cancellationToken: Ct)).Items);
        Assert.Equal(live.Id, stored.Id);
        Assert.Equal(live.Name, stored.Name);
        Assert.Equal(live.Data, stored.Data);
        Assert.Equal("writer", stored.ClientId);
        Assert.Equal(live.ConnectionId, stored.ConnectionId);
        Assert.Equal(live.Timestamp, stored.Timestamp);
    }

    /// <summary>A message id published twice is kept once.</summary>
    [Fact]
    public async Task GetHistoryAsync_DuplicateId_KeptOnce()
    {
        RequireChannels(RealtimeCapabilities.History);
        var channel = await NewChannelAsync("idem");
        await channel.PublishAsync(new ChannelMessage("a", "1") { Id = "same-id" }, Ct);
        await channel.PublishAsync(new ChannelMessage("a", "1") { Id = "same-id" }, Ct);
        Assert.Equal("same-id", Assert.Single((await channel.GetHistoryAsync(cancellationToken: Ct)).Items).Id);
    }

    /// <summary>A refused publish leaves no trace in history; each channel keeps only its own messages.</summary>
    [Fact]
    public async Task GetHistoryAsync_RefusedPublishAndOtherChannels_AreAbsent()
    {
        RequireChannels(RealtimeCapabilities.History);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        var channel = client.GetChannel("mine");
        await Assert.ThrowsAnyAsync<MessageTooLargeException>(() => channel.PublishAsync("big", new string('x', backend.MaxMessageSize + 1), Ct).AsTask());
        await client.GetChannel("theirs").PublishAsync("elsewhere", "x", Ct);
        await channel.PublishAsync("kept", "y", Ct);
        Assert.Equal("kept", Assert.Single((await channel.GetHistoryAsync(cancellationToken: Ct)).Items).Name);
    }

    /// <summary>untilAttach returns only the messages published before this client's subscription attached.</summary>
    [Fact]
    public async Task GetHistoryAsync_UntilAttach_StopsAtAttachPoint()
    {
        RequireChannels(RealtimeCapabilities.History);
        var backend = await NewBackendAsync();
        var publisher = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("attach");
        await publisher.PublishAsync("before", "1", Ct);
        var subscriber = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("attach");
        var reader = Read(await subscriber.SubscribeAsync(cancellationToken: Ct));
        await publisher.PublishAsync("after", "2", Ct);
        await reader.NextAsync("the message after attaching");
        var page = await subscriber.GetHistoryAsync(new HistoryQuery { UntilAttach = true }, Ct);
        Assert.Equal(["before"], page.Items.Select(static m => m.Name));
    }

    /// <summary>Where the backend's clock can be moved, messages older than the retention period disappear from history.</summary>
    [Fact]
    public async Task GetHistoryAsync_RetentionElapsed_DropsOldMessages()
    {
        RequireChannels(RealtimeCapabilities.History);
        var backend = await NewBackendAsync();
        Assert.SkipUnless(backend.CanControlTime && backend.HistoryRetention is not null, $"{Fixture.ProviderName}'s backend cannot move its clock or has no known retention.");
        var channel = (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel("retention");
        await channel.PublishAsync("old", "1", Ct);
        backend.AdvanceTime(backend.HistoryRetention!.Value + TimeSpan.FromSeconds(1));
        await channel.PublishAsync("new", "2", Ct);
        Assert.Equal(["new"], (await channel.GetHistoryAsync(cancellationToken: Ct)).Items.Select(static m => m.Name));
    }

    private async Task<IChannel> NewChannelAsync(string name)
    {
        var backend = await NewBackendAsync();
        return (await backend.CreateChannelClientAsync(cancellationToken: Ct)).GetChannel(name);
    }

    // Publishes m0..m(count-1), one second apart on the backend's clock where it can be moved, so that time ranges can tell them apart.
    private async Task<(RealtimeTestBackend Backend, IChannel Channel)> PublishedAsync(int count)
    {
        var backend = await NewBackendAsync();
        var channel = (await backend.CreateChannelClientAsync(ChannelClientSpec.WithClientId("publisher"), Ct)).GetChannel("history");
        for (var i = 0; i < count; i++)
        {
            Tick(backend);
            await channel.PublishAsync($"m{i}", $"data {i}", Ct);
        }

        return (backend, channel);
    }

    private static void Tick(RealtimeTestBackend backend)
    {
        if (backend.CanControlTime)
        {
            backend.AdvanceTime(TimeSpan.FromSeconds(1));
        }
    }
}
