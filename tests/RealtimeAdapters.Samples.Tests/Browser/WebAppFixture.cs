using Web;

namespace RealtimeAdapters.Samples.Tests.Browser;

/// <summary>The samples' web front end, started in this process on a free loopback port with the given arguments.</summary>
public abstract class WebAppFixture : IAsyncLifetime
{
    private SamplesWebApp? _app;

    public SamplesWebApp App => _app ?? throw new InvalidOperationException("Not initialised.");

    protected abstract string[] Arguments { get; }

    public async ValueTask InitializeAsync() => _app = await SamplesWebApp.StartAsync(["--urls", "http://127.0.0.1:0", .. Arguments]);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

/// <summary>Chat and todo list on the in-memory provider (no emulator).</summary>
public sealed class InMemoryWebAppFixture : WebAppFixture
{
    protected override string[] Arguments => ["--backend", "inmemory", "--emulator", "false"];
}

/// <summary>The defaults: chat on Ably, the todo list on Firebase, both against the in-process emulator.</summary>
public sealed class EmulatorWebAppFixture : WebAppFixture
{
    protected override string[] Arguments => [];
}

/// <summary>The todo list on Ably (the store over LiveObjects) against the in-process emulator.</summary>
public sealed class AblyTodoWebAppFixture : WebAppFixture
{
    protected override string[] Arguments => ["--Realtime:TodoList:Backend", "ably"];
}

/// <summary>Chat on Firebase (channels over database paths) against the in-process emulator.</summary>
public sealed class FirebaseChatWebAppFixture : WebAppFixture
{
    protected override string[] Arguments => ["--Realtime:Chat:Backend", "firebase"];
}
