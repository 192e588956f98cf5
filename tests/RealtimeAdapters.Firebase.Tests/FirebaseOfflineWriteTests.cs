using System.Net;
using Microsoft.Extensions.Time.Testing;
using static RealtimeAdapters.Firebase.Tests.TestSupport;

namespace RealtimeAdapters.Firebase.Tests;

public sealed class FirebaseOfflineWriteTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writes_WhileUnavailable_AreQueuedInOrderAndSentOnRecovery()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var handler = new FaultHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        }

        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = NewNamespace(),
            UseEmulatorAdmin = true,
            HttpMessageHandler = handler,
            TimeProvider = time,
            MaxRequestRetries = 0,
            ReconnectJitter = 0,
            QueueWritesWhileOffline = true,
        });
        await using var states = store.Connection.WatchState().GetAsyncEnumerator(Ct);
        var first = store.SetAsync("q/a", 1, Ct).AsTask();
        var second = store.SetAsync("q/a", 2, Ct).AsTask();
        var third = store.UpdateAsync("q", new Dictionary<string, DataNode> { ["b"] = 3 }, Ct).AsTask();
        for (var i = 0; i < 3; i++)
        {
            var change = await WaitForStateAsync(states, ConnectionState.Disconnected);
            Assert.Equal(3, store.PendingWriteCount);
            Assert.False(first.IsCompleted);
            time.Advance(change.RetryAt!.Value - time.GetUtcNow());
        }

        await Task.WhenAll(first, second, third).WaitAsync(EventTimeout, Ct);
        Assert.Equal(0, store.PendingWriteCount);
        Assert.Equal("""{"a":2,"b":3}""", (await store.GetAsync("q", Ct)).Node.ToJsonString());
        var writes = handler.Requests.Where(r => r.Method != HttpMethod.Get).Select(r => r.Method.Method).ToArray();
        Assert.Equal(["PUT", "PUT", "PUT", "PUT", "PUT", "PATCH"], writes);
    }

    [Fact]
    public async Task Writes_QueueDisabled_FailFastWithRetryableError()
    {
        using var handler = new FaultHandler();
        handler.Injected.Enqueue(HttpStatusCode.ServiceUnavailable);
        await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
        {
            Transport = FirebaseTransport.RestStreaming,
            DatabaseUrl = fixture.Emulator.FirebaseUrl,
            Namespace = NewNamespace(),
            UseEmulatorAdmin = true,
            HttpMessageHandler = handler,
            MaxRequestRetries = 0,
        });
        var ex = await Assert.ThrowsAsync<RealtimeConnectionException>(() => store.SetAsync("a", 1, Ct).AsTask());
        Assert.True(ex.IsRetryable);
        Assert.Equal(0, store.PendingWriteCount);
    }
}
