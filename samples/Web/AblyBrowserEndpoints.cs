using RealtimeAdapters.Ably;
using SampleBackends;

namespace Web;

/// <summary>
/// What a page running the official Ably SDK in the browser needs from this server (chat-sdk.html): the SDK itself
/// (<c>/lib/ably.min.js</c>, the copy npm installed), signed TokenRequests for its user (<c>authUrl</c>: the API key stays
/// here), and where the service is (the emulator's address, through <c>/api/info</c>).
/// </summary>
internal static class AblyBrowserEndpoints
{
    // What a browser user may do: the chat's channels only.
    private const string Capability = """{"chat:*":["publish","subscribe","presence","history"]}""";

    /// <summary>Maps the endpoints; returns what <c>/api/info</c> tells the page (<see langword="null"/> with a reason when the chat is not on Ably).</summary>
    public static (object? Options, string? NotOffered) Map(WebApplication app, Backends backends, ChatService chat)
    {
        var key = chat.Kind != BackendKind.Ably ? null : backends.Emulator?.AblyKeys[0] ?? app.Configuration["Realtime:Ably:Key"];
        var script = FindAblyJs(app.Configuration);
        app.MapGet("/lib/ably.min.js", () => script is null
            ? Results.NotFound("ably-js is not installed: run npm ci --prefix tests/interop, or set Samples:AblyJs to a copy of ably.min.js.")
            : Results.File(script, "text/javascript"));

        // A real app authenticates its user before signing for their client id; the sample trusts the name, as its pages do.
        app.MapGet("/api/ably/token-request", (string clientId) =>
            key is null ? Results.NotFound("The chat is not on Ably.")
            : Names.Problem("room", clientId) is { } problem ? Results.BadRequest(problem)
            : Results.Content(AblyTokenRequests.CreateSignedJson(key, new AblyTokenParams { ClientId = clientId, Capability = Capability }), "application/json"));

        return key is null
            ? (null, $"the chat runs on {chat.Kind}; the page with the official Ably SDK needs the chat on Ably")
            : backends.Emulator is { } emulator
                ? (new { endpoint = emulator.AblyUrl.Host, port = emulator.AblyUrl.Port, tls = false, transports = new[] { "web_socket" } }, null)
                : (new { }, null);
    }

    private static string? FindAblyJs(IConfiguration configuration)
    {
        if (configuration["Samples:AblyJs"] is { } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", "node_modules", "ably", "build", "ably.min.js");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
