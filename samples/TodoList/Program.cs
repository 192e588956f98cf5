// TodoList: a shared, ordered list over IRealtimeStore. Two users edit the same list at the same time, one of them
// offline for a while; the script waits for each change it expects, prints both users' lists, and exits.
//
//   dotnet run --project samples/TodoList                        Firebase, against an emulator started in this process
//   dotnet run --project samples/TodoList -- --backend inmemory  the in-memory provider
//   dotnet run --project samples/TodoList -- --backend ably      shows why Ably cannot run it yet ("not offered")
//   dotnet run --project samples/TodoList -- --emulator false    the hosted service: set Realtime:Firebase:DatabaseUrl and a
//                                                                credential (e.g. Realtime:Firebase:IdToken)
//
//   dotnet run --project samples/TodoList -- --crdt [--backend ably] the list as a CRDT (CollaborativeTodoList.cs, over the
//                                                                backend's channels): both users edit offline, then converge
//
// The list code (SharedTodoList.cs) sees only IRealtimeStore; the backend is chosen in samples/SampleBackends/Backends.cs.
using SampleBackends;
using TodoList;

var timeout = TimeSpan.FromSeconds(10);
var crdt = args.Contains("--crdt");
var configuration = Backends.LoadConfiguration([.. args.Where(static a => a != "--crdt")]);
await using var backends = await Backends.StartAsync(configuration);
var kind = backends.Select("TodoList", BackendKind.Firebase);
if (crdt)
{
    return await CrdtDemo.RunAsync(backends, kind, timeout);
}

Console.WriteLine($"TodoList on {backends.Describe(kind)}");
if (Backends.StoreNotOffered(kind) is { } reason)
{
    Console.WriteLine($"not offered: {reason}");
    return 2;
}

await using var aliceStore = backends.CreateStore(kind);
await using var bobStore = backends.CreateStore(kind);
var listId = "groceries-" + Guid.NewGuid().ToString("N")[..6];
await using var alice = new SharedTodoList(aliceStore, listId, "alice");
await using var bob = new SharedTodoList(bobStore, listId, "bob");
await alice.StartAsync();
await bob.StartAsync();

Console.WriteLine($"\n== alice adds three items to {listId} ==");
var milk = await alice.AddAsync("Buy milk");
var bread = await alice.AddAsync("Bake bread");
var dog = await alice.AddAsync("Walk the dog");
await UntilAsync(bob, items => items.Count == 3, "bob sees three items");

Console.WriteLine("\n== at the same time: alice renames \"Buy milk\", bob ticks it ==");
await Task.WhenAll(alice.RenameAsync(milk, "Buy oat milk"), bob.SetDoneAsync(milk, true));
await UntilAsync(alice, items => items.Any(i => i is { Title: "Buy oat milk", Done: true }), "both edits on alice's side");
await UntilAsync(bob, items => items.Any(i => i is { Title: "Buy oat milk", Done: true }), "both edits on bob's side");

Console.WriteLine("\n== bob moves \"Walk the dog\" to the top ==");
await bob.MoveAsync(dog, 0);
await UntilAsync(alice, items => items[0].Id == dog, "the dog first for alice");

Console.WriteLine("\n== alice goes offline and edits; meanwhile bob removes \"Bake bread\" ==");
alice.GoOffline();
await alice.SetDoneAsync(bread, true);
await alice.AddAsync("Call grandma");
Print("alice (offline, 2 edits pending)", alice.Items);
await bob.RemoveAsync(bread);
await UntilAsync(bob, items => items.All(i => i.Id != bread), "bread removed for bob");

Console.WriteLine("\n== alice comes back online: her edits are replayed against the current list ==");
var report = await alice.GoOnlineAsync();
Console.WriteLine($"   applied {report.Applied}, dropped {report.Dropped.Count}: {string.Join("; ", report.Dropped)}");
await UntilAsync(bob, items => items.Any(i => i.Title == "Call grandma"), "bob sees alice's offline addition");
await UntilAsync(alice, items => items.Count == 3 && items.All(i => i.Id != bread), "alice converged");
Print("final (alice)", alice.Items);
Print("final (bob)", bob.Items);
Console.WriteLine("\nDone.");
return 0;

// Waits for the user's list to satisfy a condition (printing it when it does), or fails after the timeout.
async Task UntilAsync(SharedTodoList user, Func<IReadOnlyList<TodoItem>, bool> condition, string what)
{
    using var cts = new CancellationTokenSource(timeout);
    try
    {
        if (!condition(user.Items))
        {
            await foreach (var items in user.ReadChangesAsync(cts.Token))
            {
                if (condition(items))
                {
                    break;
                }
            }
        }
    }
    catch (OperationCanceledException) when (cts.IsCancellationRequested)
    {
        throw new TimeoutException($"Not reached within {timeout.TotalSeconds} s: {what}.");
    }

    Print($"{user.UserName} ({what})", user.Items);
}

static void Print(string title, IReadOnlyList<TodoItem> items)
{
    Console.WriteLine($"   {title}:");
    foreach (var item in items)
    {
        Console.WriteLine($"      [{(item.Done ? "x" : " ")}] {item.Title,-14} order {item.Order,4}  by {item.UpdatedBy}");
    }
}
