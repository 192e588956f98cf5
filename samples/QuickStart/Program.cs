// RealtimeAdapters QuickStart: a shared todo list (the store) and a notifications channel (pub/sub), registered through
// dependency injection exactly as an application would. It exits by itself.
//
//   dotnet run --project samples/QuickStart                 in-memory providers
//   dotnet run --project samples/QuickStart -- --emulator   the Firebase and Ably providers, against a local emulator
//
// Only the registration differs between the two: the code below it runs unchanged on either pair of providers.
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RealtimeAdapters;
using RealtimeAdapters.Emulator;

var timeout = TimeSpan.FromSeconds(5);
var useEmulator = args.Contains("--emulator");

// With --emulator: the Firebase (realtime WebSocket, REST + SSE) and Ably (REST + WebSocket) servers on free loopback
// ports, in this process.
await using var emulator = useEmulator
    ? await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Port = 0 }, Ably = { Enabled = true, Port = 0 } })
    : null;

var builder = Host.CreateApplicationBuilder(args.Where(a => a != "--emulator").ToArray());
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
var realtime = builder.Services.AddRealtime();
if (emulator is null)
{
    realtime.AddInMemoryStore().AddInMemoryChannels(o => o.ClientId = "quickstart");
}
else
{
    realtime
        .AddFirebaseStore(o =>
        {
            o.DatabaseUrl = emulator.FirebaseUrl;
            o.UseEmulatorAdmin = true;               // against the hosted service: IdToken or TokenProvider
        })
        .AddAblyChannels(o =>
        {
            o.Endpoint = emulator.AblyUrl;
            o.Key = emulator.AblyKeys[0];            // against the hosted service: AuthCallback, or Key + UseTokenAuth
            o.ClientId = "quickstart";
            o.UseBinaryProtocol = true;
        });
}

using var host = builder.Build();
await host.StartAsync();

var store = host.Services.GetRequiredService<IRealtimeStore>();
var channels = host.Services.GetRequiredService<IChannelClient>();
Console.WriteLine($"Store: {store.Metadata.ProviderName} ({store.Metadata.Capabilities})");
Console.WriteLine($"Channels: {channels.Metadata.ProviderName} ({channels.Metadata.Capabilities})");

// ---------------------------------------------------------------------------------------------------------------
Console.WriteLine();
Console.WriteLine("== Shared todo list: watching /todos ordered by createdAt ==");

await using var watch = await store.WatchAsync(RealtimeQuery.At("todos").OrderByChild("createdAt"));

// Each change arrives as a batch of child events followed by one value event; the main flow waits for the value
// event after each write, so the output reads in order.
var changeSeen = Channel.CreateUnbounded<DataSnapshot>();
var listener = Task.Run(async () =>
{
    await foreach (var e in watch)
    {
        switch (e.Kind)
        {
            case StoreEventKind.ChildAdded:
                Console.WriteLine($"   event: added   {Describe(e.Snapshot)} (after {e.PreviousChildKey ?? "nothing"})");
                break;
            case StoreEventKind.ChildChanged:
                Console.WriteLine($"   event: changed {Describe(e.Snapshot)}");
                break;
            case StoreEventKind.ChildRemoved:
                Console.WriteLine($"   event: removed {Describe(e.Snapshot)}");
                break;
            case StoreEventKind.ChildMoved:
                Console.WriteLine($"   event: moved   {Describe(e.Snapshot)} (after {e.PreviousChildKey ?? "nothing"})");
                break;
            case StoreEventKind.Value:
                Console.WriteLine($"   event: value   {e.Snapshot.ChildrenCount} todo(s)");
                changeSeen.Writer.TryWrite(e.Snapshot);
                break;
        }
    }
});

await changeSeen.Reader.ReadAsync().AsTask().WaitAsync(timeout); // the initial state: an empty list

var milk = await Step("push \"Buy milk\"", () => store.PushAsync("todos", NewTodo("Buy milk")));
await Step("push \"Walk the dog\"", () => store.PushAsync("todos", NewTodo("Walk the dog")));
var bread = await Step("push \"Bake bread\"", () => store.PushAsync("todos", NewTodo("Bake bread")));
await Step("mark \"Buy milk\" done (update)", async () =>
{
    await store.UpdateAsync(milk, new Dictionary<string, DataNode> { ["done"] = true });
    return milk;
});
await Step("remove \"Bake bread\"", async () =>
{
    await store.RemoveAsync(bread);
    return bread;
});

Console.WriteLine("Final list, in createdAt order:");
var final = await store.GetAsync(RealtimeQuery.At("todos").OrderByChild("createdAt"));
foreach (var todo in final.Children)
{
    Console.WriteLine($"   {Describe(todo)}");
}

// ---------------------------------------------------------------------------------------------------------------
Console.WriteLine();
Console.WriteLine("== Notifications channel: broadcast events ==");

var notifications = channels.GetChannel("notifications");
await using var subscription = await notifications.SubscribeAsync();

Console.WriteLine("> publish todo-added and todo-done");
await notifications.PublishAsync("todo-added", new { title = "Walk the dog" });
await notifications.PublishAsync("todo-done", new { title = "Buy milk" });

await using (var reader = subscription.GetAsyncEnumerator())
{
    for (var i = 0; i < 2 && await reader.MoveNextAsync().AsTask().WaitAsync(timeout); i++)
    {
        var m = reader.Current;
        Console.WriteLine($"   received: {m.Name} {m.Data} from {m.ClientId}");
    }
}

var history = await notifications.GetHistoryAsync();
Console.WriteLine($"   history holds {history.Items.Count} message(s), newest first: {string.Join(", ", history.Items.Select(m => m.Name))}");

// ---------------------------------------------------------------------------------------------------------------
await watch.DisposeAsync();
await listener.WaitAsync(timeout);
await host.StopAsync();
Console.WriteLine();
Console.WriteLine("Done.");
return 0;

async Task<RealtimePath> Step(string what, Func<ValueTask<RealtimePath>> action)
{
    Console.WriteLine($"> {what}");
    var path = await action();
    await changeSeen.Reader.ReadAsync().AsTask().WaitAsync(timeout);
    return path;
}

// The server fills in createdAt when it applies the write, so every client orders todos the same way.
static DataNode NewTodo(string title) => DataNode.FromChildren(
[
    new("title", title),
    new("done", false),
    new("createdAt", ServerValue.Timestamp),
]);

static string Describe(DataSnapshot todo)
{
    var done = todo.Child("done").Node is { IsNull: false } d && d.GetBoolean();
    var title = todo.Child("title").Node is { IsNull: false } t ? t.GetString() : "?";
    return $"[{(done ? "x" : " ")}] {title,-14} ({todo.Key})";
}
