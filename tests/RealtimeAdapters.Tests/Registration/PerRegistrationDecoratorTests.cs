using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RealtimeAdapters.InMemory;
using RealtimeAdapters.Tests.Fakes;
using RealtimeAdapters.Tests.Telemetry;

namespace RealtimeAdapters.Tests.Registration;

public class PerRegistrationDecoratorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConfigureKeyedChannelClient_WrapsThatKeyOnly()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddKeyedInMemoryChannels("chat")
            .AddKeyedInMemoryChannels("audit")
            .ConfigureKeyedChannelClient("chat", c => c.Use(inner => new Tagging(inner, "chat-only"))));

        var chat = provider.GetRequiredKeyedService<IChannelClient>("chat");
        var audit = provider.GetRequiredKeyedService<IChannelClient>("audit");

        Assert.Equal("chat-only", Assert.IsType<Tagging>(chat).Tag);
        Assert.IsType<InMemoryChannelClient>(audit);
    }

    [Fact]
    public async Task ConfigureStore_Unkeyed_WrapsTheUnkeyedStoreOnly_AndKeepsApplyingAfterTheProviderIsReplaced()
    {
        var seen = new List<string>();
        await using var provider = HostHelper.BuildProvider(s =>
        {
            s.AddRealtime()
                .ConfigureStore(b => b.Use((inner, _) => { seen.Add(inner.Metadata.ProviderName); return inner; }))
                .AddStore(_ => new FakeProviderStore())
                .AddKeyedInMemoryStore("other");
            s.ReplaceRealtimeWithInMemory();
        });

        _ = provider.GetRequiredKeyedService<IRealtimeStore>("other");
        Assert.Empty(seen);
        _ = provider.GetRequiredService<IRealtimeStore>();
        Assert.Equal(["InMemory"], seen);
    }

    [Fact]
    public async Task Decorators_ContainerWideOutermost_ThenTheRegistrationsOwn_EachFirstAddedOutermost()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .ConfigureKeyedChannelClient("chat", c => c.Use(inner => new Tagging(inner, "own-1")).Use(inner => new Tagging(inner, "own-2")))
            .UseChannelClient((inner, _) => new Tagging(inner, "all-1"))
            .UseChannelClient((inner, _) => new Tagging(inner, "all-2"))
            .AddKeyedInMemoryChannels("chat"));

        var order = new List<string>();
        IChannelClient current = provider.GetRequiredKeyedService<IChannelClient>("chat");
        while (current is Tagging tagging)
        {
            order.Add(tagging.Tag);
            current = tagging.Inner;
        }

        Assert.Equal(["all-1", "all-2", "own-1", "own-2"], order);
        Assert.IsType<InMemoryChannelClient>(current);
    }

    [Fact]
    public async Task UseTelemetry_PerKey_MeasuresThatKeyOnly()
    {
        await using var provider = HostHelper.BuildProvider(s =>
        {
            s.AddMetrics();
            s.AddRealtime()
                .AddKeyedInMemoryStore("measured")
                .AddKeyedInMemoryStore("quiet")
                .ConfigureKeyedStore("measured", b => b.UseTelemetry());
        });
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());

        await provider.GetRequiredKeyedService<IRealtimeStore>("quiet").SetAsync("a", 1, Ct);
        Assert.Empty(recorder.Get(RealtimeDiagnostics.StoreOperationDuration));
        await provider.GetRequiredKeyedService<IRealtimeStore>("measured").SetAsync("a", 1, Ct);
        Assert.Single(recorder.Get(RealtimeDiagnostics.StoreOperationDuration));
    }

    [Fact]
    public async Task UseTelemetry_ContainerWideAndPerKey_MeasuresOnce()
    {
        await using var provider = HostHelper.BuildProvider(s =>
        {
            s.AddMetrics();
            s.AddRealtime()
                .ConfigureKeyedChannelClient("chat", c => c.UseTelemetry())
                .UseTelemetry()
                .AddKeyedInMemoryChannels("chat");
        });
        using var recorder = new MetricRecorder(provider.GetRequiredService<IMeterFactory>());

        await provider.GetRequiredKeyedService<IChannelClient>("chat").GetChannel("c").PublishAsync("e", "x", Ct);

        Assert.Single(recorder.Get(RealtimeDiagnostics.ChannelPublishDuration));
    }

    [Fact]
    public async Task GetService_OfTheProvidersType_ReachesThroughEveryDecorator()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .UseTelemetry()
            .ConfigureChannelClient(c => c.Use(inner => new Tagging(inner, "mine")))
            .AddInMemoryChannels());
        var client = provider.GetRequiredService<IChannelClient>();

        Assert.IsType<InMemoryChannelClient>(client.GetService<InMemoryChannelClient>());
        Assert.Equal("mine", client.GetRequiredService<Tagging>().Tag);
        var refused = Assert.Throws<RealtimeNotSupportedException>(() => client.GetRequiredService<FakeProviderChannelClient>());
        Assert.Equal("InMemory", refused.ProviderName);
    }

    [Fact]
    public void ConfigureKeyedStore_EmptyKey_Refused()
    {
        var builder = new ServiceCollection().AddRealtime();
        Assert.Throws<ArgumentException>(() => builder.ConfigureKeyedStore(" ", _ => { }));
    }

    private sealed class Tagging(IChannelClient inner, string tag) : DelegatingChannelClient(inner)
    {
        public string Tag { get; } = tag;

        public IChannelClient Inner => InnerClient;
    }
}
