using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.InMemory;
using RealtimeAdapters.Tests.Fakes;

namespace RealtimeAdapters.Tests.Testing;

public class ReplaceRealtimeWithInMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What an application's Program.cs registers: another provider, keyed and unkeyed, needing configuration it lacks in tests.</summary>
    private static void RegisterApplication(IServiceCollection services)
    {
        services.AddRealtime()
            .AddKeyedFakeStore(null)
            .AddKeyedFakeStore("orders")
            .AddKeyedFakeChannels(null)
            .AddKeyedFakeChannels("chat");

        // Registered by hand, bypassing the builder.
        services.AddKeyedSingleton<IRealtimeStore, FakeProviderStore>("legacy");
    }

    [Fact]
    public async Task StartAsync_WithoutReplacement_FailsOnTheOtherProvidersOptions()
    {
        // The premise of the swap: without it, this application cannot even start in a test.
        var builder = HostHelper.CreateBuilder();
        RegisterApplication(builder.Services);
        var ex = await Assert.ThrowsAsync<AggregateException>(() => HostHelper.StartAsync(builder));
        Assert.Equal(2, ex.InnerExceptions.Count);
        Assert.All(ex.InnerExceptions, e => Assert.IsType<OptionsValidationException>(e));
        Assert.Contains("Realtime:orders:Fake:Url", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplaceRealtimeWithInMemory_OtherProvider_StartsAndResolvesInMemoryUnderTheSameKeys()
    {
        var builder = HostHelper.CreateBuilder();
        RegisterApplication(builder.Services);
        builder.Services.ReplaceRealtimeWithInMemory();

        var host = await HostHelper.StartAsync(builder);
        try
        {
            var services = host.Services;
            Assert.IsType<InMemoryRealtimeStore>(services.GetRequiredService<IRealtimeStore>());
            Assert.IsType<InMemoryRealtimeStore>(services.GetRequiredKeyedService<IRealtimeStore>("orders"));
            Assert.IsType<InMemoryRealtimeStore>(services.GetRequiredKeyedService<IRealtimeStore>("legacy"));
            Assert.IsType<InMemoryChannelClient>(services.GetRequiredService<IChannelClient>());
            Assert.IsType<InMemoryChannelClient>(services.GetRequiredKeyedService<IChannelClient>("chat"));
            Assert.Single(services.GetServices<IRealtimeStore>());
            Assert.Single(services.GetServices<IChannelClient>());

            var store = services.GetRequiredService<IRealtimeStore>();
            await store.SetAsync("todos/1", "milk", Ct);
            Assert.Equal("milk", (await store.GetAsync("todos/1", Ct)).Node.GetString());
            Assert.False((await services.GetRequiredKeyedService<IRealtimeStore>("orders").GetAsync("todos/1", Ct)).Exists);
            await host.StopAsync(Ct);
        }
        finally
        {
            await HostHelper.DisposeAsync(host);
        }
    }

    [Fact]
    public async Task ReplaceRealtimeWithInMemory_FakeTimeProvider_EveryReplacementUsesIt()
    {
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        RegisterApplication(services);
        services.ReplaceRealtimeWithInMemory(time);
        await using var provider = services.BuildServiceProvider();

        Assert.Same(time, provider.GetRequiredService<TimeProvider>());
        var store = provider.GetRequiredKeyedService<IRealtimeStore>("orders");
        Assert.Same(time, Assert.IsType<InMemoryDatabase>(store.GetService(typeof(InMemoryDatabase))).TimeProvider);
        var client = Assert.IsType<InMemoryChannelClient>(provider.GetRequiredKeyedService<IChannelClient>("chat"));
        Assert.Same(time, client.Hub.Options.TimeProvider);
    }

    [Fact]
    public async Task ReplaceRealtimeWithInMemory_NamedOptionsAfterwards_ConfigureTheReplacement()
    {
        var services = new ServiceCollection();
        RegisterApplication(services);
        services.ReplaceRealtimeWithInMemory();
        services.Configure<InMemoryChannelsProviderOptions>("chat", o => o.ClientId = "alice");
        await using var provider = services.BuildServiceProvider();

        Assert.Equal("alice", provider.GetRequiredKeyedService<IChannelClient>("chat").ClientId);
        Assert.Null(provider.GetRequiredService<IChannelClient>().ClientId);
    }

    [Fact]
    public async Task ReplaceRealtimeWithInMemory_WithTelemetry_ReplacementsAreStillDecorated()
    {
        var services = new ServiceCollection();
        RegisterApplication(services);
        services.AddRealtime().UseTelemetry();
        services.ReplaceRealtimeWithInMemory();
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<IRealtimeStore>();
        Assert.IsAssignableFrom<DelegatingRealtimeStore>(store);
        Assert.IsType<InMemoryDatabase>(store.GetService(typeof(InMemoryDatabase)));
    }

    [Fact]
    public void ReplaceRealtimeWithInMemory_NothingRegistered_AddsNothing()
    {
        var services = new ServiceCollection();
        services.ReplaceRealtimeWithInMemory();
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IRealtimeStore) || d.ServiceType == typeof(IChannelClient));
    }
}
