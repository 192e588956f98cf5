// LiveDashboard: high fan-out over IChannel. One producer publishes readings at a steady rate; many viewers, each on a
// connection of its own, receive every one and measure how long it took. Prints a latency readout as it goes, and exits.
//
//   dotnet run --project samples/LiveDashboard                        Ably, against an emulator started in this process
//   dotnet run --project samples/LiveDashboard -- --backend inmemory  the in-memory provider
//   dotnet run --project samples/LiveDashboard -- --viewers 100 --messages 500 --interval-ms 5
//   dotnet run --project samples/LiveDashboard -- --emulator false    the hosted service (Realtime:Ably:Key)
//
// The dashboard code (DashboardProducer.cs, DashboardViewer.cs) sees only IChannel; the backend is chosen in
// samples/SampleBackends/Backends.cs.
using LiveDashboard;
using Microsoft.Extensions.Configuration;
using SampleBackends;

var configuration = Backends.LoadConfiguration(args);
var viewerCount = configuration.GetValue("viewers", 20);
var messageCount = configuration.GetValue("messages", 200);
var interval = TimeSpan.FromMilliseconds(configuration.GetValue("interval-ms", 10));
await using var backends = await Backends.StartAsync(configuration);
var kind = backends.Select("LiveDashboard", BackendKind.Ably);
Console.WriteLine($"LiveDashboard on {backends.Describe(kind)}: 1 producer, {viewerCount} viewers, {messageCount} readings every {interval.TotalMilliseconds} ms");
if (Backends.ChannelsNotOffered(kind) is { } reason)
{
    Console.WriteLine($"not offered: {reason}");
    return 2;
}

var time = TimeProvider.System;
var channelName = DashboardViewer.ChannelName("ops-" + Guid.NewGuid().ToString("N")[..6]);
var clients = new List<IAsyncDisposable>();
var viewers = new List<DashboardViewer>();
try
{
    for (var i = 0; i < viewerCount; i++)
    {
        var client = backends.CreateChannelClient(kind, $"viewer-{i}");
        clients.Add(client);
        var viewer = new DashboardViewer(client.GetChannel(channelName), time);
        await viewer.StartAsync();
        viewers.Add(viewer);
    }

    var producerClient = backends.CreateChannelClient(kind, "producer");
    clients.Add(producerClient);
    var producer = new DashboardProducer(producerClient.GetChannel(channelName), time);

    using var pace = new PeriodicTimer(interval);
    for (var i = 1; i <= messageCount; i++)
    {
        await producer.PublishAsync(requestsPerSecond: 900 + Random.Shared.Next(200), cpuPercent: 30 + Random.Shared.Next(40));
        if (i % Math.Max(1, messageCount / 5) == 0 || i == messageCount)
        {
            await Task.WhenAll(viewers.Select(v => v.WaitForAsync(i).WaitAsync(TimeSpan.FromSeconds(30))));
            var all = LatencySummary.From(viewers.SelectMany(v => v.Latencies));
            Console.WriteLine($"   after {i,5} readings: every viewer has all of them; {all}");
        }

        await pace.WaitForNextTickAsync();
    }

    var latest = viewers[^1].Latest!;
    Console.WriteLine($"Last reading seen by viewer-{viewerCount - 1}: #{latest.Sequence}, {latest.RequestsPerSecond} req/s, CPU {latest.CpuPercent}%");
    Console.WriteLine($"Delivered {viewers.Sum(v => v.Received)} of {viewerCount * messageCount} messages; {LatencySummary.From(viewers.SelectMany(v => v.Latencies))}");
    return 0;
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
