// The samples' web front end: Chat and TodoList in the browser, backed by the library through this server.
//
//   dotnet run --project samples/Web                          chat on Ably, todo list on Firebase (in-process emulator)
//   dotnet run --project samples/Web -- --backend inmemory    both on the in-memory provider
//   dotnet run --project samples/Web -- --urls http://127.0.0.1:8080
//
// Open two browser windows on the printed address as two users (e.g. /chat.html?room=lobby&user=alice and &user=bob).
using Web;

await using var app = await SamplesWebApp.StartAsync(args);
Console.WriteLine($"Samples web front end on {app.Url} (Ctrl+C to stop)");
Console.WriteLine($"   chat:      {app.Url}chat.html?room=lobby&user=alice");
Console.WriteLine($"   todo list: {app.Url}todo.html?list=groceries&user=alice");
await app.WaitForShutdownAsync();
