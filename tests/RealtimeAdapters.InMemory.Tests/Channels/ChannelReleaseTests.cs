using RealtimeAdapters.InMemory;
using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

/// <summary>Released channels and the hub's retirement of idle ones: short-lived channels do not accumulate.</summary>
public class ChannelReleaseTests
{
    [Fact]
    public async Task ReleaseChannelAsync_100000ShortLivedChannels_ClientAndHubChannelCountsStayBounded()
    {
        // One inbox channel per user, as a notification service would use them: the user subscribes, the service
        // publishes one note, both release the channel; the notes expire from history after the retention period.
        var (hub, time) = CreateHub(o => o.HistoryRetention = TimeSpan.FromSeconds(2));
        await using var service = hub.Client("service");
        await using var user = hub.Client("user");
        var peak = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var name = "inbox:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var subscription = await user.GetChannel(name).SubscribeAsync(cancellationToken: Ct);
            await using (var reader = subscription.GetAsyncEnumerator(Ct))
            {
                await service.GetChannel(name).PublishAsync("note", "hello", Ct);
                Assert.Equal("hello", (await reader.NextAsync()).Data());
            }

            await user.ReleaseChannelAsync(name, Ct);
            await service.ReleaseChannelAsync(name, Ct);
            time.Advance(TimeSpan.FromMilliseconds(20));
            peak = Math.Max(peak, hub.ChannelCount);
        }

        Assert.Equal(0, user.ChannelCount);
        Assert.Equal(0, service.ChannelCount);

        // 2 s of retention at one channel per 20 ms keeps about 100 channels' notes; the hub tidies up when its count has
        // doubled since the last time, from 1,024 channels on.
        Assert.InRange(peak, 100, 2_048);
    }

    [Fact]
    public async Task Hub_ChannelHeldByClient_IsNotRetired_ReleasedAndExpired_IsRetired()
    {
        var (hub, time) = CreateHub(o => o.HistoryRetention = TimeSpan.FromSeconds(1));
        await using var client = hub.Client();
        await client.GetChannel("kept").PublishAsync("n", "1", Ct);
        await client.GetChannel("dropped").PublishAsync("n", "1", Ct);
        await client.ReleaseChannelAsync("dropped", Ct);
        time.Advance(TimeSpan.FromSeconds(2));

        FillUntilSwept(hub);
        await client.GetChannel("kept").PublishAsync("n", "2", Ct);

        Assert.False(hub.HoldsChannel("dropped"));
        Assert.True(hub.HoldsChannel("kept"));
        Assert.Equal("2", Assert.Single(hub.ReadHistory("kept").Items).Data());
    }

    [Fact]
    public void Hub_ChannelRetiredAndCreatedAgain_ContinuesAboveOldSerials_ResumeOnlyFromTheLastOne()
    {
        var (hub, time) = CreateHub(o => o.HistoryRetention = TimeSpan.FromSeconds(1));
        var first = hub.Publish("again", "conn", null, [Message("n", "1")])[0]!;
        var last = hub.Publish("again", "conn", null, [Message("n", "2")])[0]!;
        time.Advance(TimeSpan.FromSeconds(2));

        FillUntilSwept(hub);
        Assert.False(hub.HoldsChannel("again"));

        using var fromLast = new AttachmentScope(hub.SubscribeMessages("again", "reader", replay: new MessageReplay { AfterSerial = last }));
        using var fromFirst = new AttachmentScope(hub.SubscribeMessages("again", "reader", replay: new MessageReplay { AfterSerial = first }));
        var next = hub.Publish("again", "conn", null, [Message("n", "3")])[0]!;

        Assert.True(fromLast.Attachment.Resumed, "nothing was missed after the last serial");
        Assert.False(fromFirst.Attachment.Resumed, "the message after the first serial expired with the old channel");
        Assert.True(string.CompareOrdinal(next, last) > 0, $"{next} must sort after {last}");
    }

    [Fact]
    public async Task Hub_RetirementRacingWithUse_LosesNoMessage()
    {
        // Channels are created (which sweeps) while others are published to and subscribed: a publish that meets a retired
        // state must land in the new one, where the subscriber registered after it is.
        var (hub, time) = CreateHub(o => o.HistoryRetention = TimeSpan.FromMilliseconds(1));
        var filler = Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                time.Advance(TimeSpan.FromMilliseconds(1));
                _ = hub.GetPresence("filler:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }, Ct);
        var delivered = 0;
        for (var i = 0; i < 2_000; i++)
        {
            var name = "busy:" + (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var scope = new AttachmentScope(hub.SubscribeMessages(name, "reader"));
            hub.Publish(name, "writer", null, [Message("n", "x")]);
            await using var reader = scope.Attachment.Subscription.GetAsyncEnumerator(Ct);
            Assert.Equal("x", (await reader.NextAsync()).Data());
            delivered++;
        }

        await filler;
        Assert.Equal(2_000, delivered);
    }

    // Creating channels until the hub has tidied up at least once (it does when its count reaches 1,024).
    private static void FillUntilSwept(InMemoryChannelHub hub)
    {
        for (var i = 0; i < 1_100; i++)
        {
            _ = hub.GetPresence("filler:" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
