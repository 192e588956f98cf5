using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SampleBackends;

namespace Web;

/// <summary>
/// The web front end of the samples: static pages (wwwroot) and the chat and todo-list APIs, each use case on its own
/// backend (<c>Realtime:Chat:Backend</c>, default Ably; <c>Realtime:TodoList:Backend</c>, default Firebase; or
/// <c>Realtime:Backend</c> / <c>--backend</c> for both), against the in-process emulator unless <c>Realtime:Emulator</c>
/// is false.
/// </summary>
public sealed class SamplesWebApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Backends _backends;

    private SamplesWebApp(WebApplication app, Backends backends, Uri url)
    {
        _app = app;
        _backends = backends;
        Url = url;
    }

    /// <summary>The address the server listens on, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Url { get; }

    /// <summary>The backends behind the pages (and the emulator, when there is one).</summary>
    public Backends Backends => _backends;

    /// <summary>Builds and starts the server; <c>--urls</c> sets where it listens (default <c>http://127.0.0.1:5080</c>).</summary>
    /// <param name="args">Command-line arguments (see the class remarks).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SamplesWebApp> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.AddCommandLine(args, Backends.SwitchMappings);
        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        var backends = await Backends.StartAsync(builder.Configuration, cancellationToken);
        try
        {
            var chat = new ChatService(backends, backends.Select("Chat", BackendKind.Ably));
            var todo = new TodoService(backends, backends.Select("TodoList", BackendKind.Firebase));
            builder.Services.AddSingleton(chat).AddSingleton(todo);

            var app = builder.Build();
            app.UseDefaultFiles();
            app.UseStaticFiles();
            var sdk = BrowserSdkEndpoints.Map(app, backends, chat, todo);
            app.MapGet("/api/info", () => new
            {
                chat = Describe(backends, chat.Kind, chat.NotOffered),
                todo = Describe(backends, todo.Kind, todo.NotOffered),
                ablyBrowser = sdk.AblyBrowser,
                ablyBrowserNotOffered = sdk.AblyBrowserNotOffered,
                firebaseBrowser = sdk.FirebaseBrowser,
                firebaseBrowserNotOffered = sdk.FirebaseBrowserNotOffered,
            });
            app.MapChat();
            app.MapTodoList();

            // The sessions end (members leave, connections close) before the backends and the emulator stop.
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                chat.DisposeAsync().AsTask().GetAwaiter().GetResult();
                todo.DisposeAsync().AsTask().GetAwaiter().GetResult();
            });

            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new SamplesWebApp(app, backends, new Uri(address.EndsWith('/') ? address : address + "/"));
        }
        catch
        {
            await backends.DisposeAsync();
            throw;
        }
    }

    /// <summary>Serves until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Stops the server, then the backends.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _backends.DisposeAsync();
    }

    private static object Describe(Backends backends, BackendKind kind, string? notOffered) =>
        new { backend = kind.ToString(), description = backends.Describe(kind), notOffered };
}
