using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class ChannelHistoryTests
{
    /// <summary>Publishes "m0".."m(n-1)", one per second from <see cref="ChannelTestHelpers.Start"/>.</summary>
    private static async Task PublishSecondlyAsync(IChannel channel, FakeTimeProvider time, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await channel.PublishAsync("tick", $"m{i}");
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static async Task<List<List<string>>> ReadPagesAsync(HistoryPage<ChannelMessage> page)
    {
        var pages = new List<List<string>> { page.Items.Select(m => m.Data()).ToList() };
        while (page.HasNext)
        {
            page = await page.GetNextAsync();
            pages.Add(page.Items.Select(m => m.Data()).ToList());
        }

        return pages;
    }

    [Fact]
    public async Task GetHistoryAsync_Default_NewestFirst()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 3);

        var page = await channel.GetHistoryAsync(cancellationToken: Ct);

        Assert.Equal(["m2", "m1", "m0"], page.Items.Select(m => m.Data()));
        Assert.False(page.HasNext);
        await Assert.ThrowsAsync<InvalidOperationException>(() => page.GetNextAsync(cancellationToken: Ct).AsTask());
    }

    [Fact]
    public async Task GetHistoryAsync_BackwardsPaging_ContinuesWhereEachPageEnded()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 7);

        var pages = await ReadPagesAsync(await channel.GetHistoryAsync(new HistoryQuery { Limit = 3 }, cancellationToken: Ct));

        Assert.Equal([["m6", "m5", "m4"], ["m3", "m2", "m1"], ["m0"]], pages);
    }

    [Fact]
    public async Task GetHistoryAsync_ForwardsPaging_OldestFirst()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 6);

        var pages = await ReadPagesAsync(await channel.GetHistoryAsync(new HistoryQuery { Direction = HistoryDirection.Forwards, Limit = 3 }, cancellationToken: Ct));

        Assert.Equal([["m0", "m1", "m2"], ["m3", "m4", "m5"]], pages);
    }

    [Fact]
    public async Task GetHistoryAsync_StartAndEndInclusive_BothDirections()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 10);
        var range = new HistoryQuery { Start = Start.AddSeconds(2), End = Start.AddSeconds(6), Limit = 2 };

        var backwards = await ReadPagesAsync(await channel.GetHistoryAsync(range, cancellationToken: Ct));
        var forwards = await ReadPagesAsync(await channel.GetHistoryAsync(range with { Direction = HistoryDirection.Forwards }, cancellationToken: Ct));

        Assert.Equal([["m6", "m5"], ["m4", "m3"], ["m2"]], backwards);
        Assert.Equal([["m2", "m3"], ["m4", "m5"], ["m6"]], forwards);
    }

    [Fact]
    public async Task GetHistoryAsync_PagingIsStableWhileNewMessagesArrive()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 4);

        var first = await channel.GetHistoryAsync(new HistoryQuery { Limit = 2 }, cancellationToken: Ct);
        await channel.PublishAsync("tick", "new", cancellationToken: Ct);
        var second = await first.GetNextAsync(cancellationToken: Ct);

        Assert.Equal(["m3", "m2"], first.Items.Select(m => m.Data()));
        Assert.Equal(["m1", "m0"], second.Items.Select(m => m.Data()));
    }

    [Fact]
    public async Task GetHistoryAsync_ReadAllAsync_StreamsEveryPage()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 5);

        var all = new List<string>();
        await foreach (var message in (await channel.GetHistoryAsync(new HistoryQuery { Limit = 2, Direction = HistoryDirection.Forwards }, cancellationToken: Ct)).ReadAllAsync(cancellationToken: Ct))
        {
            all.Add(message.Data());
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], all);
    }

    [Fact]
    public async Task GetHistoryAsync_RetentionExpires_OldMessagesGone()
    {
        var (hub, time) = CreateHub(o => o.HistoryRetention = TimeSpan.FromMinutes(2));
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await channel.PublishAsync("e", "old", cancellationToken: Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await channel.PublishAsync("e", "recent", cancellationToken: Ct);

        time.Advance(TimeSpan.FromMinutes(1));
        var atBoundary = await channel.GetHistoryAsync(cancellationToken: Ct);
        time.Advance(TimeSpan.FromTicks(1));
        var afterOld = await channel.GetHistoryAsync(cancellationToken: Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        var afterAll = await channel.GetHistoryAsync(cancellationToken: Ct);

        Assert.Equal(["recent", "old"], atBoundary.Items.Select(m => m.Data()));
        Assert.Equal(["recent"], afterOld.Items.Select(m => m.Data()));
        Assert.Empty(afterAll.Items);
    }

    [Fact]
    public async Task GetHistoryAsync_MaxHistoryPerChannel_KeepsNewest()
    {
        var (hub, time) = CreateHub(o => o.MaxHistoryPerChannel = 3);
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 200);

        var page = await channel.GetHistoryAsync(cancellationToken: Ct);

        Assert.Equal(["m199", "m198", "m197"], page.Items.Select(m => m.Data()));
    }

    [Fact]
    public async Task GetHistoryAsync_NoHistoryKept_Empty()
    {
        var (hub, time) = CreateHub(o => o.MaxHistoryPerChannel = 0);
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 3);

        Assert.Empty((await channel.GetHistoryAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task GetHistoryAsync_UntilAttach_OnlyMessagesBeforeTheFirstActiveSubscriptionAttached()
    {
        var (hub, time) = CreateHub();
        await using var client = hub.Client();
        await using var other = hub.Client();
        var channel = client.GetChannel("h");
        await PublishSecondlyAsync(channel, time, 3);
        var first = await channel.SubscribeAsync(cancellationToken: Ct);
        await channel.PublishAsync("e", "between", cancellationToken: Ct);
        await using var second = await channel.SubscribeAsync(cancellationToken: Ct);
        await other.GetChannel("h").PublishAsync("e", "after", cancellationToken: Ct);

        var whileFirst = await channel.GetHistoryAsync(new HistoryQuery { UntilAttach = true, Limit = 2 }, cancellationToken: Ct);
        var secondPage = await whileFirst.GetNextAsync(cancellationToken: Ct);
        await first.DisposeAsync();
        var whileSecond = await channel.GetHistoryAsync(new HistoryQuery { UntilAttach = true }, cancellationToken: Ct);

        Assert.Equal(["m2", "m1"], whileFirst.Items.Select(m => m.Data()));
        Assert.Equal(["m0"], secondPage.Items.Select(m => m.Data()));
        Assert.Equal(["between", "m2", "m1", "m0"], whileSecond.Items.Select(m => m.Data()));
    }

    [Fact]
    public async Task GetHistoryAsync_UntilAttachWithoutSubscription_Throws90001()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();
        var channel = client.GetChannel("h");
        var ended = await channel.SubscribeAsync(cancellationToken: Ct);
        await ended.DisposeAsync();

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => channel.GetHistoryAsync(new HistoryQuery { UntilAttach = true }, cancellationToken: Ct).AsTask());

        Assert.Equal("90001", error.ErrorCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public async Task GetHistoryAsync_InvalidLimit_Throws40003(int limit)
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(() => client.GetChannel("h").GetHistoryAsync(new HistoryQuery { Limit = limit }, cancellationToken: Ct).AsTask());

        Assert.Equal("40003", error.ErrorCode);
    }

    [Fact]
    public async Task GetHistoryAsync_StartAfterEnd_Throws40003()
    {
        var (hub, _) = CreateHub();
        await using var client = hub.Client();

        var error = await Assert.ThrowsAsync<RealtimeValidationException>(
            () => client.GetChannel("h").GetHistoryAsync(new HistoryQuery { Start = Start.AddSeconds(1), End = Start }, cancellationToken: Ct).AsTask());

        Assert.Equal("40003", error.ErrorCode);
    }
}
