// Chat: rooms with history and presence (who is online, who is typing) over IChannel. Three users meet in a room;
// the script waits for each event it expects, prints what every user saw, and exits.
//
//   dotnet run --project samples/Chat                        Ably, against an emulator started in this process
//   dotnet run --project samples/Chat -- --backend inmemory  the in-memory provider
//   dotnet run --project samples/Chat -- --backend firebase  shows why Firebase cannot run it yet ("not offered")
//   dotnet run --project samples/Chat -- --emulator false    the hosted service: set Realtime:Ably:Key (appsettings.json,
//                                                            or the environment variable Realtime__Ably__Key)
//
// The chat code (ChatRoom.cs) sees only IChannelClient; the backend is chosen in samples/SampleBackends/Backends.cs.
using Chat;
using RealtimeAdapters;
using SampleBackends;

var timeout = TimeSpan.FromSeconds(10);
var configuration = Backends.LoadConfiguration(args);
await using var backends = await Backends.StartAsync(configuration);
var kind = backends.Select("Chat", BackendKind.Ably);
Console.WriteLine($"Chat on {backends.Describe(kind)}");
if (Backends.ChannelsNotOffered(kind) is { } reason)
{
    Console.WriteLine($"not offered: {reason}");
    return 2;
}

await using var aliceClient = backends.CreateChannelClient(kind, "alice");
await using var bobClient = backends.CreateChannelClient(kind, "bob");
await using var carolClient = backends.CreateChannelClient(kind, "carol");
// What each user has seen so far: the messages, and the latest list of members.
var seen = new HashSet<(string User, string Text)>();
var present = new Dictionary<string, IReadOnlyList<ChatMember>>();
var room = "lobby-" + Guid.NewGuid().ToString("N")[..6];

Console.WriteLine($"\n== alice and bob join room {room} ==");
await using var alice = new ChatRoom(aliceClient, room);
await alice.JoinAsync();
var bob = new ChatRoom(bobClient, room);
await bob.JoinAsync();
await SeeAsync(alice, () => Present(alice).Count == 2, "bob present");

Console.WriteLine("\n== bob types, then says something ==");
await bob.SetTypingAsync(true);
await SeeAsync(alice, () => Present(alice).Any(m => m is { Name: "bob", Typing: true }), "bob typing");
await bob.SendAsync("Hi alice!");

// Messages and presence are separate streams: the message and the end of typing may arrive in either order.
await SeeAsync(alice, () => Saw(alice, "Hi alice!") && Present(alice).Any(m => m is { Name: "bob", Typing: false }), "bob's message");
await alice.SendAsync("Hello bob, welcome.");
await SeeAsync(bob, () => Saw(bob, "Hello bob, welcome."), "alice's message");

Console.WriteLine("\n== carol arrives later: the room's history, then live ==");
await using var carol = new ChatRoom(carolClient, room);
foreach (var line in await carol.JoinAsync())
{
    Console.WriteLine($"   carol reads history: {line.Author}: {line.Text}");
}

await SeeAsync(alice, () => Present(alice).Count == 3, "carol present");

Console.WriteLine("\n== bob leaves ==");
await bob.DisposeAsync();
await SeeAsync(alice, () => Present(alice).Count == 2 && Present(alice).All(m => m.Name != "bob"), "bob gone");
Console.WriteLine("\nDone.");
return 0;

bool Saw(ChatRoom user, string text) => seen.Contains((user.UserName, text));

IReadOnlyList<ChatMember> Present(ChatRoom user) => present.TryGetValue(user.UserName, out var members) ? members : [];

// Reads one user's events (printing each) until the expected state is reached, or fails after the timeout.
async Task SeeAsync(ChatRoom user, Func<bool> expected, string what)
{
    using var cts = new CancellationTokenSource(timeout);
    try
    {
        await foreach (var e in user.ReadEventsAsync(cts.Token))
        {
            if (e.Kind == ChatEventKind.Message)
            {
                seen.Add((user.UserName, e.Line!.Text));
                Console.WriteLine($"   {user.UserName} sees: {e.Line.Author}: {e.Line.Text}");
            }
            else
            {
                present[user.UserName] = e.Members!;
                Console.WriteLine($"   {user.UserName} sees present: {string.Join(", ", e.Members!.Select(m => m.Typing ? m.Name + " (typing)" : m.Name))}");
            }

            if (expected())
            {
                return;
            }
        }
    }
    catch (OperationCanceledException) when (cts.IsCancellationRequested)
    {
    }

    throw new TimeoutException($"{user.UserName} did not see {what} within {timeout.TotalSeconds} s.");
}
