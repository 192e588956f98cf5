using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Emulator;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

/// <summary>307 redirects end to end: the emulator redirects to an alias without the credential; the store must follow and re-apply it.</summary>
public sealed class FirebaseRedirectTests
{
    private const string Secret = "redirect-secret-5f1c9a";
    private const string AuthOnly = """{"rules":{".read":"auth != null",".write":"auth != null"}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RealtimeEmulator> StartAsync(ILoggerFactory? logs = null) => RealtimeEmulator.StartAsync(new EmulatorOptions
    {
        LoggerFactory = logs,
        Firebase = { Port = 0, Rules = AuthOnly, TokenSecret = Secret },
    });

    [Fact]
    public async Task RestCalls_Redirected_AreFollowedWithTheSecretApplied()
    {
        await using var emulator = await StartAsync();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, DatabaseSecret = Secret });

        emulator.RedirectFirebaseRequests(1);
        await store.SetAsync("r/a", 1, Ct);
        Assert.Equal(1, emulator.FirebaseRedirectsFollowed);

        emulator.RedirectFirebaseRequests(2);
        await store.UpdateAsync("r", new Dictionary<string, DataNode> { ["b"] = 2 }, Ct);
        Assert.Equal(3, emulator.FirebaseRedirectsFollowed);

        emulator.RedirectFirebaseRequests(1);
        var snapshot = await store.GetAsync("r", Ct);
        Assert.Equal("""{"a":1,"b":2}""", snapshot.Node.ToJsonString());
        Assert.Equal(4, emulator.FirebaseRedirectsFollowed);
        Assert.Equal("""{"a":1,"b":2}""", emulator.GetFirebaseDatabase().Get("r").ToJsonString());
    }

    [Fact]
    public async Task Set_RedirectedWithoutCredential_IsRefusedByTheEmulator()
    {
        // The hook's Location really drops the credential: a client that does not apply it again is refused.
        await using var emulator = await StartAsync();
        emulator.RedirectFirebaseRequests(1);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true });
        using var response = await http.PutAsync(new Uri(emulator.FirebaseUrl, "r.json?auth=" + Secret), new StringContent("1"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, emulator.FirebaseRedirectsFollowed);
        Assert.Equal("null", emulator.GetFirebaseDatabase().Get("r").ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Watch_StreamRedirected_IsFollowedWithTheTokenApplied(bool header)
    {
        await using var emulator = await StartAsync();
        var token = Token("u1", DateTimeOffset.UtcNow.AddHours(1));
        var options = new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl };
        if (header)
        {
            options.AccessToken = token;
        }
        else
        {
            options.TokenProvider = _ => ValueTask.FromResult<string?>(token);
        }

        await using var store = new FirebaseRealtimeStore(options);
        emulator.GetFirebaseDatabase().Set("w/a", 1);
        emulator.RedirectFirebaseRequests(1);
        await using var watch = await store.WatchAsync("w", cancellationToken: Ct);
        await using var events = watch.GetAsyncEnumerator(Ct);
        Assert.Equal(["ChildAdded a after -", """Value {"a":1}"""], await NextAsync(events, 2));
        Assert.Equal(1, emulator.FirebaseRedirectsFollowed);

        emulator.GetFirebaseDatabase().Set("w/b", 2);
        Assert.Equal(["ChildAdded b after a", """Value {"a":1,"b":2}"""], await NextAsync(events, 2));
    }

    [Fact]
    public async Task Get_RedirectedEndlessly_FailsWithoutTheSecretInMessageOrLogs()
    {
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var emulator = await StartAsync(factory);
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, DatabaseSecret = Secret });

        emulator.RedirectFirebaseRequests(100);
        var error = await Assert.ThrowsAnyAsync<RealtimeException>(() => store.GetAsync("r", Ct).AsTask());
        Assert.Equal(307, error.StatusCode);
        Assert.DoesNotContain(Secret, error.ToString(), StringComparison.Ordinal);
        Assert.True(emulator.FirebaseRedirectsFollowed > 0);
        // The emulator's own log (ASP.NET Core's request diagnostics are the host's and log the raw URL at Information).
        var own = logs.Lines.Where(l => l.StartsWith("RealtimeAdapters", StringComparison.Ordinal)).ToList();
        Assert.Contains(own, l => l.Contains("-> 307", StringComparison.Ordinal));
        Assert.DoesNotContain(own, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(category + ": " + formatter(state, exception) + " " + exception);
    }
}
