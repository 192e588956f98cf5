using static RealtimeAdapters.InMemory.Tests.Channels.ChannelTestHelpers;

namespace RealtimeAdapters.InMemory.Tests.Channels;

public class ChannelConcurrencyTests
{
    [Fact]
    public async Task PublishAsync_SeveralPublishersOneChannel_EachSubscriberSeesEveryMessageInEachPublishersOrder()
    {
        const int publishers = 4;
        const int perPublisher = 5_000;
        const int subscribers = 3;
        var (hub, _) = CreateHub(o => o.MaxHistoryPerChannel = 100);
        var clients = Enumerable.Range(0, publishers).Select(p => hub.Client($"p{p}")).ToArray();
        await using var listener = hub.Client();
        var subscriptions = new List<IRealtimeSubscription<ChannelMessage>>();
        for (var s = 0; s < subscribers; s++)
        {
            subscriptions.Add(await listener.GetChannel("busy").SubscribeAsync(cancellationToken: Ct));
        }

        var readers = subscriptions.Select(subscription => Task.Run(async () =>
        {
            var received = new List<ChannelMessage>(publishers * perPublisher);
            await using var reader = subscription.GetAsyncEnumerator(Ct);
            while (received.Count < publishers * perPublisher)
            {
                received.Add(await reader.NextAsync());
            }

            return received;
        }, Ct)).ToArray();

        var writers = clients.Select((client, p) => Task.Run(async () =>
        {
            var channel = client.GetChannel("busy");
            for (var i = 0; i < perPublisher;)
            {
                // Alternate single messages and small batches to exercise both paths.
                var batch = i % 3 == 0 ? 1 : Math.Min(7, perPublisher - i);
                var messages = new ChannelMessage[batch];
                for (var b = 0; b < batch; b++, i++)
                {
                    messages[b] = Message($"p{p}", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                await channel.PublishAsync(messages, Ct);
            }
        }, Ct)).ToArray();

        await Task.WhenAll(writers).WaitAsync(WaitLimit, cancellationToken: Ct);
        var results = await Task.WhenAll(readers).WaitAsync(WaitLimit, cancellationToken: Ct);

        foreach (var received in results)
        {
            Assert.Equal(publishers * perPublisher, received.Count);
            for (var p = 0; p < publishers; p++)
            {
                var sequence = received.Where(m => m.Name == $"p{p}").Select(m => int.Parse(m.Data(), System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(Enumerable.Range(0, perPublisher), sequence);
            }

            // One channel order for everybody: serials strictly increase.
            for (var i = 1; i < received.Count; i++)
            {
                Assert.True(string.CompareOrdinal(received[i - 1].Serial, received[i].Serial) < 0);
            }
        }

        Assert.Equal(results[0].Select(m => m.Id), results[1].Select(m => m.Id));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubscribeAsync_WhilePublishing_ReceivesAContiguousSuffixWithoutGaps()
    {
        var (hub, _) = CreateHub(o => o.MaxHistoryPerChannel = 10);
        await using var publisher = hub.Client();
        await using var subscriber = hub.Client();
        const int total = 20_000;
        var writer = Task.Run(async () =>
        {
            var channel = publisher.GetChannel("stream");
            for (var i = 0; i < total; i++)
            {
                await channel.PublishAsync("n", i.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct);
            }
        }, Ct);

        await using var subscription = await subscriber.GetChannel("stream").SubscribeAsync(cancellationToken: Ct);
        await writer.WaitAsync(WaitLimit, cancellationToken: Ct);
        await publisher.GetChannel("stream").PublishAsync("n", total.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken: Ct);

        await using var reader = subscription.GetAsyncEnumerator(cancellationToken: Ct);
        var first = int.Parse((await reader.NextAsync()).Data(), System.Globalization.CultureInfo.InvariantCulture);
        for (var expected = first + 1; expected <= total; expected++)
        {
            Assert.Equal(expected, int.Parse((await reader.NextAsync()).Data(), System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
