// A native AOT application on both providers, registered through DI as any application would: the Firebase store and
// Ably channels against the local emulator. Every typed call takes a JsonTypeInfo<T> from the source-generated context
// below, so nothing is serialized by reflection. tests/aot/run.sh publishes it natively, runs it and checks its lines.
//
//   AotConsole FIREBASE_URL ABLY_URL ABLY_KEY
//
// The URLs and the key reach the providers through configuration (the binding generator's code, no reflection).
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RealtimeAdapters;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: AotConsole FIREBASE_URL ABLY_URL ABLY_KEY");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
var ct = timeout.Token;

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Realtime:Firebase:DatabaseUrl"] = args[0],
    ["Realtime:Firebase:Namespace"] = "aot",
    ["Realtime:Ably:Endpoint"] = args[1],
    ["Realtime:Ably:Key"] = args[2],
    ["Realtime:Ably:ClientId"] = "aot",
});
builder.Services.AddRealtime()
    .AddFirebaseStore(o => o.UseEmulatorAdmin = true)
    .AddAblyChannels()
    .UseTelemetry();
using var host = builder.Build();
await host.StartAsync(ct);

// The store: watch a location, write a typed value, see it arrive; read it back; change it in a transaction.
var store = host.Services.GetRequiredService<IRealtimeStore>();
var json = AotJson.Default;
RealtimePath path = "aot/greeting";
await using (var watch = await store.WatchAsync(path, new WatchOptions { Events = StoreEventKind.Value }, ct))
{
    await store.SetAsync(path, new Greeting("hello from native AOT", 1), json.Greeting, ct);
    await foreach (var change in watch.WithCancellation(ct))
    {
        if (change.Snapshot.GetValue(json.Greeting) is { } seen)
        {
            Console.WriteLine($"store watch ({store.Metadata.ProviderName}): {seen.Text} #{seen.Count}");
            break;
        }
    }
}

var result = await store.RunTransactionAsync(path, current => current is null ? new Greeting("hello from native AOT", 1) : current with { Count = current.Count + 1 }, json.Greeting, ct);
var read = await store.GetValueAsync(path, json.Greeting, ct);
Console.WriteLine($"store transaction ({store.Metadata.ProviderName}): committed {result.Committed}, read back {read?.Text} #{read?.Count}");

// The channel: subscribe, publish a typed payload, receive and read it.
var channels = host.Services.GetRequiredService<IChannelClient>();
var channel = channels.GetChannel("aot");
await using (var subscription = await channel.SubscribeAsync(["ping"], ct))
{
    await channel.PublishAsync("ping", new Ping("pong", 42), json.Ping, ct);
    await foreach (var message in subscription.WithCancellation(ct))
    {
        var ping = message.Data.GetValue(json.Ping);
        Console.WriteLine($"channel ({channels.Metadata.ProviderName}): {message.Name} {ping?.Reply} {ping?.Number} from {message.ClientId}");
        break;
    }
}

await host.StopAsync(ct);
Console.WriteLine("aot: done");
return 0;

/// <summary>The store's value.</summary>
internal sealed record Greeting(string Text, int Count);

/// <summary>The channel's payload.</summary>
internal sealed record Ping(string Reply, int Number);

/// <summary>Source-generated serialization for the two types above (Web defaults, as RealtimeJson.DefaultOptions).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Greeting))]
[JsonSerializable(typeof(Ping))]
internal sealed partial class AotJson : JsonSerializerContext;
