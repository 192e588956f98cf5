using RealtimeAdapters.Ably;
using SampleBackends;
using TodoList;

namespace Web;

/// <summary>
/// What pages running the official SDKs in the browser need from this server: the SDKs themselves (<c>/lib/…</c>, the
/// copies npm installed: ably-js, and the Firebase web SDK's compat builds), signed Ably TokenRequests for a page's user
/// (<c>authUrl</c>: the API key stays here), and where the services are (the emulator's addresses, through
/// <c>/api/info</c>). Pages: <c>chat-sdk.html</c> (ably-js) and <c>todo-sdk.html</c> (the Firebase web SDK).
/// </summary>
internal static class BrowserSdkEndpoints
{
    // What a browser user may do on Ably: the chat's channels only.
    private const string Capability = """{"chat:*":["publish","subscribe","presence","history"]}""";

    // The scripts served under /lib, and where npm puts them below node_modules.
    private static readonly Dictionary<string, string> Scripts = new(StringComparer.Ordinal)
    {
        ["ably.min.js"] = "ably/build/ably.min.js",
        ["firebase-app-compat.js"] = "firebase/firebase-app-compat.js",
        ["firebase-database-compat.js"] = "firebase/firebase-database-compat.js",
    };

    /// <summary>Maps the endpoints; returns what <c>/api/info</c> tells the SDK pages (<see langword="null"/> with a reason when a page's use case is on another service).</summary>
    public static SdkInfo Map(WebApplication app, Backends backends, ChatService chat, TodoService todo)
    {
        var modules = FindNodeModules(app.Configuration);
        app.MapGet("/lib/{file}", (string file) =>
            !Scripts.TryGetValue(file, out var relative) ? Results.NotFound()
            : modules is null || !File.Exists(Path.Combine(modules, relative))
                ? Results.NotFound("The official SDKs are not installed: run npm ci --prefix tests/interop, or set Samples:NodeModules to a node_modules folder holding ably and firebase.")
                : Results.File(Path.Combine(modules, relative), "text/javascript"));

        var key = chat.Kind != BackendKind.Ably ? null : backends.Emulator?.AblyKeys[0] ?? app.Configuration["Realtime:Ably:Key"];

        // A real app authenticates its user before signing for their client id; the sample trusts the name, as its pages do.
        app.MapGet("/api/ably/token-request", (string clientId) =>
            key is null ? Results.NotFound("The chat is not on Ably.")
            : Names.Problem("room", clientId) is { } problem ? Results.BadRequest(problem)
            : Results.Content(AblyTokenRequests.CreateSignedJson(key, new AblyTokenParams { ClientId = clientId, Capability = Capability }), "application/json"));

        object? ably = key is null ? null
            : backends.Emulator is { } emulator ? new { endpoint = emulator.AblyUrl.Host, port = emulator.AblyUrl.Port, tls = false, transports = new[] { "web_socket" } }
            : new { };
        object? firebase = todo.Kind != BackendKind.Firebase ? null
            : backends.Emulator is { } e
                ? new { databaseURL = $"https://{backends.FirebaseNamespace}.firebaseio.com", emulatorHost = e.FirebaseUrl.Host, emulatorPort = e.FirebaseUrl.Port, items = SharedTodoList.ItemsPath("LIST").ToString() }
                : new { databaseURL = app.Configuration["Realtime:Firebase:DatabaseUrl"], emulatorHost = (string?)null, emulatorPort = (int?)null, items = SharedTodoList.ItemsPath("LIST").ToString() };
        return new SdkInfo(
            ably,
            ably is null ? $"the chat runs on {chat.Kind}; the page with the official Ably SDK needs the chat on Ably" : null,
            firebase,
            firebase is null ? $"the todo list runs on {todo.Kind}; the page with the official Firebase SDK needs the list on Firebase" : null);
    }

    private static string? FindNodeModules(IConfiguration configuration)
    {
        if (configuration["Samples:NodeModules"] is { } configured)
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", "node_modules");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>What <c>/api/info</c> tells the pages that run the official SDKs.</summary>
/// <param name="AblyBrowser">ably-js client options (the emulator's endpoint), or <see langword="null"/>.</param>
/// <param name="AblyBrowserNotOffered">Why the ably-js page cannot run, or <see langword="null"/>.</param>
/// <param name="FirebaseBrowser">The Firebase web SDK's settings (database URL, emulator address, the list's path), or <see langword="null"/>.</param>
/// <param name="FirebaseBrowserNotOffered">Why the Firebase SDK page cannot run, or <see langword="null"/>.</param>
internal sealed record SdkInfo(object? AblyBrowser, string? AblyBrowserNotOffered, object? FirebaseBrowser, string? FirebaseBrowserNotOffered);
