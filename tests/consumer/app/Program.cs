// The consumer test's application (tests/consumer/run.sh): both providers registered through DI from the packages,
// against the emulator tool. Arguments: FIREBASE_URL ABLY_URL ABLY_KEY. Prints what it read back; exits 1 on failure.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RealtimeAdapters;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Consumer FIREBASE_URL ABLY_URL ABLY_KEY");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
var ct = timeout.Token;

var builder = Host.CreateApplicationBuilder();
builder.Services.AddRealtime()
    .AddFirebaseStore(o =>
    {
        o.DatabaseUrl = new Uri(args[0]);
        o.Namespace = "consumer";
        o.UseEmulatorAdmin = true;
    })
    .AddAblyChannels(o =>
    {
        o.Endpoint = new Uri(args[1]);
        o.Key = args[2];
        o.ClientId = "consumer";
    })
    .UseTelemetry();
using var host = builder.Build();
await host.StartAsync(ct);

var store = host.Services.GetRequiredService<IRealtimeStore>();
await store.SetAsync("consumer/greeting", "hello from the packages", cancellationToken: ct);
var read = await store.GetValueAsync<string>(RealtimeQuery.At("consumer/greeting"), cancellationToken: ct);
Console.WriteLine($"store ({store.Metadata.ProviderName}): {read}");

var channels = host.Services.GetRequiredService<IChannelClient>();
var channel = channels.GetChannel("consumer");
await using (var subscription = await channel.SubscribeAsync(["ping"], ct))
{
    await channel.PublishAsync("ping", "pong", ct);
    await foreach (var message in subscription.WithCancellation(ct))
    {
        Console.WriteLine($"channel ({channels.Metadata.ProviderName}): {message.Name} {message.Data.AsString()} from {message.ClientId}");
        break;
    }
}

await host.StopAsync(ct);
return 0;
