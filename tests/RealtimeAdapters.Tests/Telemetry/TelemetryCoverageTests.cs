using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Tests.Fakes;

namespace RealtimeAdapters.Tests.Telemetry;

/// <summary>Presence, history, connection state, pending and buffered counts, and the README's list of instruments.</summary>
public partial class TelemetryCoverageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(Action<RealtimeBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider());
        configure(services.AddRealtime().UseTelemetry());
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task ConnectionChanges_CountActiveConnectionsTransitionsAndReconnects()
    {
        var fake = new FakeProviderStore();
        await using var provider = Build(b => b.AddStore(_ => fake));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        _ = provider.GetRequiredService<IRealtimeStore>();

        fake.FakeConnection.Transition(ConnectionState.Disconnected);
        fake.FakeConnection.Transition(ConnectionState.Connecting);
        fake.FakeConnection.Transition(ConnectionState.Connected);
        fake.FakeConnection.Transition(ConnectionState.Disconnected);
        fake.FakeConnection.Transition(ConnectionState.Connected);
        await recorder.WaitForAsync(r => r.Get(RealtimeDiagnostics.ConnectionTransitions).Count == 5, Timeout, Ct);

        Assert.Equal(
            ["disconnected", "connecting", "connected", "disconnected", "connected"],
            recorder.Get(RealtimeDiagnostics.ConnectionTransitions).Select(m => (string?)m.Tags[RealtimeDiagnostics.ConnectionStateTag]));
        Assert.All(recorder.Get(RealtimeDiagnostics.ConnectionTransitions), m => Assert.Equal(FakeProviderStore.Name, m.Tags[RealtimeDiagnostics.ProviderTag]));
        Assert.Equal(2, recorder.Get(RealtimeDiagnostics.ConnectionReconnects).Sum(m => m.Value));

        // Connected when the decorator was created (+1), then -1 +1 -1 +1.
        Assert.Equal([1, -1, 1, -1, 1], recorder.Get(RealtimeDiagnostics.ConnectionsActive).Select(m => m.Value));
        Assert.Equal("{connection}", recorder.Units[RealtimeDiagnostics.ConnectionsActive]);

        await provider.DisposeAsync();
        Assert.Equal(0, recorder.Get(RealtimeDiagnostics.ConnectionsActive).Sum(m => m.Value));
    }

    [Fact]
    public async Task PresenceAndHistory_TimedByOperation_PresenceEventsCountedByAction()
    {
        await using var provider = Build(b => b.AddInMemoryChannels(o => o.ClientId = "alice"));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var channel = provider.GetRequiredService<IChannelClient>().GetChannel("room");

        await using var events = await channel.Presence.SubscribeAsync(cancellationToken: Ct);
        await channel.Presence.EnterAsync("hi", Ct);
        await channel.Presence.UpdateAsync("busy", Ct);
        Assert.Single(await channel.Presence.GetAsync(Ct));
        await channel.Presence.LeaveAsync(cancellationToken: Ct);
        await channel.Presence.GetHistoryAsync(cancellationToken: Ct);
        await channel.GetHistoryAsync(cancellationToken: Ct);
        await using (var reader = events.GetAsyncEnumerator(Ct))
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));
            }
        }

        Assert.Equal(
            ["presence_enter", "presence_update", "presence_get", "presence_leave", "presence_history", "history"],
            recorder.Get(RealtimeDiagnostics.ChannelOperationDuration).Select(m => (string?)m.Tags[RealtimeDiagnostics.OperationTag]));
        Assert.Equal(["enter", "update", "leave"], recorder.Get(RealtimeDiagnostics.ChannelPresenceEvents).Select(m => (string?)m.Tags[RealtimeDiagnostics.PresenceActionTag]));
        Assert.Equal("s", recorder.Units[RealtimeDiagnostics.ChannelOperationDuration]);
    }

    [Fact]
    public async Task Publish_PendingUntilAcknowledged_AndUnreadMessagesCountAsBuffered()
    {
        await using var provider = Build(b => b.AddInMemoryChannels());
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        var channel = provider.GetRequiredService<IChannelClient>().GetChannel("news");
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);

        await channel.PublishAsync("a", "1", Ct);
        await channel.PublishAsync("b", "2", Ct);

        var pending = recorder.Get(RealtimeDiagnostics.OperationsPending);
        Assert.Equal([1, -1, 1, -1], pending.Select(m => m.Value));
        Assert.All(pending, m => Assert.Equal("publish", m.Tags[RealtimeDiagnostics.OperationTag]));
        recorder.RecordObservableInstruments();
        Assert.Equal(2, Assert.Single(recorder.Get(RealtimeDiagnostics.SubscriptionsBuffered)).Value);

        await subscription.DisposeAsync();
        recorder.RecordObservableInstruments();
        Assert.Single(recorder.Get(RealtimeDiagnostics.SubscriptionsBuffered));
    }

    [Fact]
    public async Task ObserveAsync_ProviderSpecificOperation_MeasuredThroughTheDecorator()
    {
        await using var provider = Build(b => b.AddInMemoryChannels().AddInMemoryStore());
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());

        var answer = await provider.GetRequiredService<IChannelClient>().ObserveAsync("detach", _ => ValueTask.FromResult(42), Ct);
        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await provider.GetRequiredService<IRealtimeStore>().ObserveAsync<int>("get_shallow", _ => throw new TimeoutException(), Ct));

        Assert.Equal(42, answer);
        Assert.Equal("detach", Assert.Single(recorder.Get(RealtimeDiagnostics.ChannelOperationDuration)).Tags[RealtimeDiagnostics.OperationTag]);
        Assert.Equal("get_shallow", Assert.Single(recorder.Get(RealtimeDiagnostics.StoreOperationDuration)).Tags[RealtimeDiagnostics.OperationTag]);
        Assert.Equal(typeof(TimeoutException).FullName, Assert.Single(recorder.Get(RealtimeDiagnostics.Errors)).Tags[RealtimeDiagnostics.ErrorTypeTag]);
    }

    [Fact]
    public async Task Readme_NamesEveryInstrument_AndEachIsEmitted()
    {
        var documented = ReadmeInstruments();
        var declared = typeof(RealtimeDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && !f.Name.EndsWith("Tag", StringComparison.Ordinal) && f.Name != nameof(RealtimeDiagnostics.Name))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet();
        Assert.Equal(declared.Order(), documented.Order());

        var fake = new FakeProviderStore();
        await using var provider = Build(b => b
            .AddInMemoryStore()
            .AddInMemoryChannels(o => { o.ClientId = "alice"; o.MaxMessageSize = 100; })
            .AddKeyedStore("fake", _ => fake));
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());
        _ = provider.GetRequiredKeyedService<IRealtimeStore>("fake");
        fake.FakeConnection.Transition(ConnectionState.Disconnected);
        fake.FakeConnection.Transition(ConnectionState.Connected);

        var store = provider.GetRequiredService<IRealtimeStore>();
        await using var watch = await store.WatchAsync("a", cancellationToken: Ct);
        await using (var reader = watch.GetAsyncEnumerator(Ct))
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));
            await store.SetAsync("a", 1, Ct);   // seen by the watch: the write's latency
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));
        }

        var channel = provider.GetRequiredService<IChannelClient>().GetChannel("room");
        await using var messages = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var presence = await channel.Presence.SubscribeAsync(cancellationToken: Ct);
        await channel.PublishAsync("e", "x", Ct);
        await channel.Presence.EnterAsync(cancellationToken: Ct);
        await Assert.ThrowsAsync<MessageTooLargeException>(async () => await channel.PublishAsync("e", new string('x', 200), Ct));
        await using (var reader = messages.GetAsyncEnumerator(Ct))
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));
        }

        await using (var reader = presence.GetAsyncEnumerator(Ct))
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Timeout, Ct));
        }

        await recorder.WaitForAsync(r => r.Get(RealtimeDiagnostics.ConnectionReconnects).Count == 1, Timeout, Ct);
        recorder.RecordObservableInstruments();
        var emitted = recorder.Measurements.Select(m => m.Instrument).ToHashSet();
        Assert.Empty(documented.Except(emitted));
    }

    private static HashSet<string> ReadmeInstruments()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Adapters.sln")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var readme = File.ReadAllText(Path.Combine(directory.FullName, "README.md"));
        var start = readme.IndexOf("**Telemetry.**", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has a **Telemetry.** paragraph.");
        var end = readme.IndexOf("\n## ", start, StringComparison.Ordinal);
        return InstrumentName().Matches(readme[start..end]).Select(m => m.Groups[1].Value).ToHashSet();
    }

    // The first cell of each row of the table names an instrument; tags appear in later cells.
    [GeneratedRegex(@"^\| `(realtime\.[a-z_.]+)` \|", RegexOptions.Multiline)]
    private static partial Regex InstrumentName();
}
