using System.Net;

namespace RealtimeAdapters.Firebase.Tests;

public sealed class FirebaseRealtimeStoreRestTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FirebaseRealtimeStore NewStore(FaultHandler? handler = null, string? ns = null, int retries = 3) => new(new FirebaseStoreOptions
    {
        Transport = FirebaseTransport.RestStreaming,
        DatabaseUrl = fixture.Emulator.FirebaseUrl,
        Namespace = ns ?? TestSupport.NewNamespace(),
        UseEmulatorAdmin = true,
        HttpMessageHandler = handler,
        MaxRequestRetries = retries,
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(1),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(2),
    });

    [Fact]
    public async Task GetAsync_QueryValuesWithPlusAndQuotes_SurviveEncoding()
    {
        await using var store = NewStore();
        await store.SetAsync("p", DataNode.Parse("""{"a":{"n":"x+y \"q\" &z"},"b":{"n":"x y"}}"""), Ct);
        var result = await store.GetAsync(RealtimeQuery.At("p").OrderByChild("n").WithEqualTo("x+y \"q\" &z"), Ct);
        Assert.Equal(["a"], result.Children.Select(c => c.Key));
    }

    [Fact]
    public async Task GetAsync_LimitedQuery_ReturnsChildrenInQueryOrder()
    {
        await using var store = NewStore();
        await store.SetAsync("s", DataNode.Parse("""{"a":{"v":3},"b":{"v":1},"c":{"v":2},"d":{"v":0}}"""), Ct);
        var result = await store.GetAsync(RealtimeQuery.At("s").OrderByChild("v").WithLimitToLast(3), Ct);
        Assert.Equal(["b", "c", "a"], result.Children.Select(c => c.Key));
    }

    [Fact]
    public async Task PushAsync_WritesClientIdWithPut()
    {
        using var handler = new FaultHandler();
        await using var store = NewStore(handler);
        var path = await store.PushAsync("list", "item", Ct);
        Assert.Equal(20, path.Key!.Length);
        Assert.Equal("item", (await store.GetAsync(path, Ct)).Node.GetString());
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Post);
        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Put && r.Uri.AbsolutePath.Contains(path.Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetAsync_Sends_DecodingHeaderAndEncodedPath()
    {
        using var handler = new FaultHandler();
        await using var store = NewStore(handler);
        await store.SetAsync(RealtimePath.Root.Child("a b").Child("ü%"), 1, Ct);
        var request = Assert.Single(handler.Requests);
        Assert.Contains("/a%20b/%C3%BC%25.json", request.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(1, (await store.GetAsync(RealtimePath.Root.Child("a b").Child("ü%"), Ct)).Node.GetNumber());
    }

    [Fact]
    public async Task GetAsync_503ThenSuccess_IsRetried()
    {
        using var handler = new FaultHandler();
        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        await using var store = NewStore(handler);
        var snapshot = await store.GetAsync("x", Ct);
        Assert.False(snapshot.Exists);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task GetAsync_503BeyondRetries_ThrowsRetryableConnectionError()
    {
        using var handler = new FaultHandler();
        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        await using var store = NewStore(handler, retries: 1);
        var ex = await Assert.ThrowsAsync<RealtimeConnectionException>(() => store.GetAsync("x", Ct).AsTask());
        Assert.True(ex.IsRetryable);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task SetAsync_IncrementAfter503_IsNotRetried()
    {
        using var handler = new FaultHandler();
        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        await using var store = NewStore(handler);
        await Assert.ThrowsAsync<RealtimeConnectionException>(() => store.SetAsync("n", ServerValue.Increment(1), Ct).AsTask());
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task GetAsync_Redirect_IsFollowedWithCredentialReapplied()
    {
        await using var emulator = await TestSupport.StartEmulatorAsync("""{"rules":{".read":"auth != null",".write":"auth != null"}}""");
        using var handler = new FaultHandler { RedirectNext = true };
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = emulator.FirebaseUrl,
            Namespace = TestSupport.NewNamespace(),
            IdToken = TestSupport.Token("u1", DateTimeOffset.UtcNow.AddHours(1)),
            HttpMessageHandler = handler,
        });
        Assert.False((await store.GetAsync("x", Ct)).Exists);
        var requests = handler.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Contains("auth=", requests[1].Uri.Query, StringComparison.Ordinal);
        Assert.Contains("ns=", requests[1].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Errors_AreMappedOntoTheExceptionFamily_WithoutSecrets()
    {
        await using var emulator = await TestSupport.StartEmulatorAsync("""{"rules":{"open":{".read":true,".write":true}}}""");
        var secretToken = TestSupport.Token("u1", DateTimeOffset.UtcNow.AddHours(1));
        await using var user = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, IdToken = secretToken });
        var denied = await Assert.ThrowsAsync<RealtimePermissionException>(() => user.SetAsync("closed", 1, Ct).AsTask());
        Assert.Equal(401, denied.StatusCode);
        Assert.DoesNotContain(secretToken, denied.Message, StringComparison.Ordinal);

        await using var garbage = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, IdToken = "not-a-token" });
        var auth = await Assert.ThrowsAsync<RealtimeAuthenticationException>(() => garbage.GetAsync("open", Ct).AsTask());
        Assert.DoesNotContain("not-a-token", auth.Message, StringComparison.Ordinal);

        await using var admin = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = emulator.FirebaseUrl, UseEmulatorAdmin = true });
        await Assert.ThrowsAsync<RealtimeValidationException>(() => admin.UpdateAsync("open", new Dictionary<string, DataNode> { ["a"] = 1, ["a/b"] = 2 }, Ct).AsTask());
    }

    [Fact]
    public async Task GetAsync_ExpiredTokenFromProvider_AsksProviderAgain()
    {
        await using var emulator = await TestSupport.StartEmulatorAsync("""{"rules":{".read":"auth != null"}}""");
        var calls = 0;
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = emulator.FirebaseUrl,
            TokenProvider = _ => ValueTask.FromResult<string?>(
                Interlocked.Increment(ref calls) == 1
                    ? TestSupport.Token("u1", DateTimeOffset.UtcNow.AddHours(-1))
                    : TestSupport.Token("u1", DateTimeOffset.UtcNow.AddHours(1))),
        });
        Assert.False((await store.GetAsync("x", Ct)).Exists);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task RunTransactionAsync_ConflictingWriter_RerunsOnCurrentValue()
    {
        await using var store = NewStore();
        var ns = store.Options.Namespace!;
        await store.SetAsync("c", 1, Ct);
        await using var other = NewStore(ns: ns);
        var seen = new List<double>();
        var result = await store.RunTransactionAsync("c", snap =>
        {
            var v = snap.Node.GetNumber();
            seen.Add(v);
            if (seen.Count == 1)
            {
                other.SetAsync("c", 10, Ct).AsTask().GetAwaiter().GetResult();
            }

            return TransactionDecision.Commit(v + 1);
        }, cancellationToken: Ct);
        Assert.True(result.Committed);
        Assert.Equal([1d, 10d], seen);
        Assert.Equal(11, (await store.GetAsync("c", Ct)).Node.GetNumber());
    }

    [Fact]
    public async Task Options_PlainHttpToRemoteHost_IsRefused()
    {
        var ex = Assert.Throws<RealtimeValidationException>(() => new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = new Uri("http://example.com/") }));
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
        await using var ok = new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = new Uri("https://example.com/") });
        Assert.Equal(ConnectionState.Initialized, ok.Connection.State);
    }

    [Fact]
    public async Task Options_WriteSizeLimitAndServerReadTimeout_AreSentAndAccepted()
    {
        using var handler = new FaultHandler();
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = TestSupport.NewNamespace(),
            UseEmulatorAdmin = true,
            HttpMessageHandler = handler,
            WriteSizeLimit = "tiny",
            ServerReadTimeout = TimeSpan.FromSeconds(3),
        });
        await store.SetAsync("x", 1, Ct);
        Assert.Equal(1, (await store.GetAsync("x", Ct)).Node.GetNumber());
        var requests = handler.Requests.ToArray();
        Assert.Contains("writeSizeLimit=tiny", requests[0].Uri.Query, StringComparison.Ordinal);
        Assert.Contains("timeout=3000ms", requests[1].Uri.Query, StringComparison.Ordinal);
        Assert.Throws<RealtimeValidationException>(() => new FirebaseRealtimeStore(new FirebaseStoreOptions { Transport = FirebaseTransport.RestStreaming, DatabaseUrl = new Uri("https://x.example/"), WriteSizeLimit = "huge" }));
    }
}
