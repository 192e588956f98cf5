using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Tests.Fakes;

namespace RealtimeAdapters.Tests.Telemetry;

public class TelemetryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(Action<RealtimeBuilder> configure, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        extra?.Invoke(services);
        configure(services.AddRealtime().UseTelemetry());
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task StoreOperations_RecordDurationPerOperationWithProviderTagAndUnit()
    {
        await using var provider = Build(b => b.AddInMemoryStore());
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var store = provider.GetRequiredService<IRealtimeStore>();

        await store.SetAsync("a", 1, Ct);
        await store.GetAsync("a", Ct);
        await store.PushAsync("list", "x", Ct);

        var durations = recorder.Get(RealtimeDiagnostics.StoreOperationDuration);
        Assert.Equal(["set", "get", "push"], durations.Select(m => (string?)m.Tags[RealtimeDiagnostics.OperationTag]));
        Assert.All(durations, m =>
        {
            Assert.Equal("InMemory", m.Tags[RealtimeDiagnostics.ProviderTag]);
            Assert.False(m.Tags.ContainsKey(RealtimeDiagnostics.ErrorTypeTag));
            Assert.True(m.Value >= 0);
        });
        Assert.Equal("s", recorder.Units[RealtimeDiagnostics.StoreOperationDuration]);
        Assert.Empty(recorder.Get(RealtimeDiagnostics.Errors));
    }

    [Fact]
    public async Task ReleaseChannelAsync_ThroughTelemetry_ReleasesTheProvidersChannelAndItsWrapper()
    {
        await using var provider = Build(b => b.AddInMemoryChannels());
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var client = provider.GetRequiredService<IChannelClient>();
        var first = client.GetChannel("brief");
        Assert.Same(first, client.GetChannel("brief"));

        await client.ReleaseChannelAsync("brief", Ct);
        var second = client.GetChannel("brief");
        await second.PublishAsync("n", "x", Ct);

        Assert.NotSame(first, second);
        Assert.Same(second, client.GetChannel("brief"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await first.PublishAsync("n", "x", Ct));
        Assert.Single(recorder.Get(RealtimeDiagnostics.ChannelMessagesPublished));
        await client.ReleaseChannelAsync("brief", Ct);
        Assert.Equal(0, Assert.IsType<RealtimeAdapters.Telemetry.TelemetryChannelClient>(client).ChannelCount);
    }

    [Fact]
    public async Task StoreOperation_ProviderThrows_CountsErrorByTypeRecordsDurationAndLogs()
    {
        var fake = new FakeProviderStore { FailWith = new RealtimePermissionException("Permission denied at /secret-area.") };
        var logs = new ListLoggerProvider();
        await using var provider = Build(b => b.AddStore(_ => fake), s => s.AddLogging(l => l.AddProvider(logs)));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var store = provider.GetRequiredService<IRealtimeStore>();

        await Assert.ThrowsAsync<RealtimePermissionException>(async () => await store.SetAsync("secret-area", 1, Ct));

        var error = Assert.Single(recorder.Get(RealtimeDiagnostics.Errors));
        Assert.Equal(1, error.Value);
        Assert.Equal(typeof(RealtimePermissionException).FullName, error.Tags[RealtimeDiagnostics.ErrorTypeTag]);
        Assert.Equal("set", error.Tags[RealtimeDiagnostics.OperationTag]);
        Assert.Equal(FakeProviderStore.Name, error.Tags[RealtimeDiagnostics.ProviderTag]);
        var duration = Assert.Single(recorder.Get(RealtimeDiagnostics.StoreOperationDuration));
        Assert.Equal(typeof(RealtimePermissionException).FullName, duration.Tags[RealtimeDiagnostics.ErrorTypeTag]);

        var entry = Assert.Single(logs.Entries, e => e.EventId.Id == 2);
        Assert.Equal("OperationFailed", entry.EventId.Name);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("RealtimePermissionException", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_EventsRead_CountedByKind()
    {
        await using var provider = Build(b => b.AddInMemoryStore());
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var store = provider.GetRequiredService<IRealtimeStore>();

        await using var watch = await store.WatchAsync("todos", cancellationToken: Ct);
        await using var reader = watch.GetAsyncEnumerator(Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));

        var events = recorder.Get(RealtimeDiagnostics.StoreEvents);
        var counted = Assert.Single(events);
        Assert.Equal("value", counted.Tags[RealtimeDiagnostics.EventKindTag]);
        Assert.Equal("{event}", recorder.Units[RealtimeDiagnostics.StoreEvents]);
        Assert.Contains(recorder.Get(RealtimeDiagnostics.StoreOperationDuration), m => (string?)m.Tags[RealtimeDiagnostics.OperationTag] == "watch");
    }

    [Fact]
    public async Task Writes_SeenByTheStoresOwnWatch_RecordWriteLatencyOncePerWrite_UnwatchedAndFailedNotAtAll()
    {
        var time = new FakeTimeProvider();
        await using var provider = Build(b => b.AddInMemoryStore(), s => s.AddSingleton<TimeProvider>(time));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var store = provider.GetRequiredService<IRealtimeStore>();
        await using var watch = await store.WatchAsync(RealtimeQuery.At("todos"), cancellationToken: Ct);
        await using var reader = watch.GetAsyncEnumerator(Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));   // the initial value

        await store.SetAsync("elsewhere", 1, Ct);                                    // nobody watches it
        await Assert.ThrowsAsync<RealtimeValidationException>(async () => await store.SetAsync("todos/a.b", 1, Ct));
        await store.SetAsync("todos/a", "milk", Ct);
        time.Advance(TimeSpan.FromMilliseconds(30));                                 // the subscriber reads 30 ms later
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));   // ChildAdded a
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));   // Value

        var latency = Assert.Single(recorder.Get(RealtimeDiagnostics.StoreWriteLatency));
        Assert.Equal(0.030, latency.Value, 6);
        Assert.Equal("set", latency.Tags[RealtimeDiagnostics.OperationTag]);
        Assert.Equal("InMemory", latency.Tags[RealtimeDiagnostics.ProviderTag]);
        Assert.Equal("s", recorder.Units[RealtimeDiagnostics.StoreWriteLatency]);
    }

    [Fact]
    public async Task Publish_BatchOfTwo_RecordsDurationCountsMessagesAndDeliveries()
    {
        var time = new FakeTimeProvider();
        await using var provider = Build(b => b.AddInMemoryChannels(), s => s.AddSingleton<TimeProvider>(time));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var channel = provider.GetRequiredService<IChannelClient>().GetChannel("news");

        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await channel.PublishAsync([new ChannelMessage("a", "1"), new ChannelMessage("b", "2")], Ct);

        var publish = Assert.Single(recorder.Get(RealtimeDiagnostics.ChannelPublishDuration));
        Assert.Equal("InMemory", publish.Tags[RealtimeDiagnostics.ProviderTag]);
        Assert.Equal("s", recorder.Units[RealtimeDiagnostics.ChannelPublishDuration]);
        Assert.Equal(2, Assert.Single(recorder.Get(RealtimeDiagnostics.ChannelMessagesPublished)).Value);
        Assert.Equal("{message}", recorder.Units[RealtimeDiagnostics.ChannelMessagesPublished]);
        Assert.Empty(recorder.Get(RealtimeDiagnostics.ChannelMessagesReceived));

        await using var reader = subscription.GetAsyncEnumerator(Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));

        Assert.Equal(2, recorder.Get(RealtimeDiagnostics.ChannelMessagesReceived).Sum(m => m.Value));
        var latencies = recorder.Get(RealtimeDiagnostics.ChannelDeliveryLatency);
        Assert.Equal(2, latencies.Count);
        Assert.All(latencies, m => Assert.Equal(0, m.Value));
    }

    [Fact]
    public async Task Publish_TooLarge_CountsErrorAndNoMessage()
    {
        await using var provider = Build(b => b.AddInMemoryChannels(o => o.MaxMessageSize = 10));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var channel = provider.GetRequiredService<IChannelClient>().GetChannel("news");

        await Assert.ThrowsAsync<MessageTooLargeException>(async () => await channel.PublishAsync("e", new string('x', 100), Ct));

        Assert.Equal(typeof(MessageTooLargeException).FullName, Assert.Single(recorder.Get(RealtimeDiagnostics.Errors)).Tags[RealtimeDiagnostics.ErrorTypeTag]);
        Assert.Empty(recorder.Get(RealtimeDiagnostics.ChannelMessagesPublished));
    }

    [Fact]
    public async Task GetChannel_SameName_ReturnsTheSameDecoratedChannel()
    {
        await using var provider = Build(b => b.AddInMemoryChannels());
        var client = provider.GetRequiredService<IChannelClient>();
        var first = client.GetChannel("x");
        Assert.Same(first, client.GetChannel("x"));
        Assert.IsAssignableFrom<DelegatingChannel>(first);
        Assert.NotSame(first, client.GetChannel("y"));
    }

    [Fact]
    public async Task UseTelemetry_CalledTwice_MeasuresOnce()
    {
        await using var provider = Build(b => b.UseTelemetry().AddInMemoryStore());
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        await provider.GetRequiredService<IRealtimeStore>().SetAsync("a", 1, Ct);
        Assert.Single(recorder.Get(RealtimeDiagnostics.StoreOperationDuration));
    }

    [Fact]
    public async Task StoreOperation_ActivityListener_GetsActivityWithProviderAndPath()
    {
        var path = "runs/" + Guid.NewGuid().ToString("N");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == RealtimeDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var provider = Build(b => b.AddInMemoryStore());

        await provider.GetRequiredService<IRealtimeStore>().SetAsync(path, 1, Ct);

        var activity = Assert.Single(stopped, a => (string?)a.GetTagItem("realtime.path") == "/" + path);
        Assert.Equal("realtime.store.set", activity.OperationName);
        Assert.Equal("InMemory", activity.GetTagItem(RealtimeDiagnostics.ProviderTag));
        Assert.Equal(ActivityKind.Client, activity.Kind);
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(EventId EventId, LogLevel Level, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((eventId, logLevel, formatter(state, exception)));
        }
    }
}
