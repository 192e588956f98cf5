using LiveDashboard;
using SampleBackends;

namespace RealtimeAdapters.Samples.Tests.Logic;

public sealed class LiveDashboardTests(BackendsFixture fixture) : IClassFixture<BackendsFixture>
{
    [Theory]
    [InlineData(BackendKind.InMemory)]
    [InlineData(BackendKind.Ably)]
    [InlineData(BackendKind.Firebase)]
    public async Task Viewers_OneProducer_EveryViewerGetsEveryReadingInOrderWithItsLatency(BackendKind kind)
    {
        var channel = DashboardViewer.ChannelName("test-" + Guid.NewGuid().ToString("N")[..8]);
        var clients = new List<IChannelClient>();
        var viewers = new List<DashboardViewer>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var client = fixture.Backends.CreateChannelClient(kind, $"viewer-{i}");
                clients.Add(client);
                var viewer = new DashboardViewer(client.GetChannel(channel), TimeProvider.System);
                await viewer.StartAsync(TestContext.Current.CancellationToken);
                viewers.Add(viewer);
            }

            var producerClient = fixture.Backends.CreateChannelClient(kind, "producer");
            clients.Add(producerClient);
            var producer = new DashboardProducer(producerClient.GetChannel(channel), TimeProvider.System);
            for (var i = 0; i < 20; i++)
            {
                await producer.PublishAsync(i, 50, TestContext.Current.CancellationToken);
            }

            await Task.WhenAll(viewers.Select(v => v.WaitForAsync(20, TestContext.Current.CancellationToken).WaitAsync(EventLog<int>.DefaultTimeout, TestContext.Current.CancellationToken)));
            foreach (var viewer in viewers)
            {
                Assert.Equal(20, viewer.Received);
                Assert.Equal(20, viewer.Latest!.Sequence);
                Assert.Equal(19, viewer.Latest.RequestsPerSecond);
                Assert.Equal(20, viewer.Summarize().Count);
                Assert.All(viewer.Latencies, l => Assert.True(l >= TimeSpan.Zero && l < TimeSpan.FromSeconds(15)));
            }
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                await viewer.DisposeAsync();
            }

            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public void LatencySummary_From_UsesNearestRankPercentiles()
    {
        var summary = LatencySummary.From(Enumerable.Range(1, 100).Select(i => TimeSpan.FromMilliseconds(i)).Reverse());

        Assert.Equal(100, summary.Count);
        Assert.Equal(TimeSpan.FromMilliseconds(50), summary.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(99), summary.P99);
        Assert.Equal(TimeSpan.FromMilliseconds(100), summary.Max);
        Assert.Equal(0, LatencySummary.From([]).Count);
    }
}
