using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RealtimeAdapters.Tests.Fakes;

namespace RealtimeAdapters.Tests.Options;

public class InMemoryOptionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddInMemoryChannels_ConfigurationSection_BindsEveryOption()
    {
        await using var provider = HostHelper.BuildProvider(
            s => s.AddRealtime().AddInMemoryChannels(),
            new Dictionary<string, string?>
            {
                ["Realtime:InMemory:Channels:ClientId"] = "alice",
                ["Realtime:InMemory:Channels:EchoMessages"] = "false",
                ["Realtime:InMemory:Channels:MaxMessageSize"] = "100",
                ["Realtime:InMemory:Channels:HistoryRetention"] = "00:10:00",
                ["Realtime:InMemory:Channels:MaxHistoryPerChannel"] = "5",
                ["Realtime:InMemory:Channels:Hub"] = "main",
            });
        var options = provider.GetRequiredService<IOptionsMonitor<InMemoryChannelsProviderOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName);
        Assert.Equal("alice", options.ClientId);
        Assert.False(options.EchoMessages);
        Assert.Equal(100, options.MaxMessageSize);
        Assert.Equal(TimeSpan.FromMinutes(10), options.HistoryRetention);
        Assert.Equal(5, options.MaxHistoryPerChannel);
        Assert.Equal("main", options.Hub);

        var client = provider.GetRequiredService<IChannelClient>();
        Assert.Equal("alice", client.ClientId);
        var tooLarge = new string('x', 200);
        await Assert.ThrowsAsync<MessageTooLargeException>(async () => await client.GetChannel("c").PublishAsync("e", tooLarge, Ct));
    }

    [Fact]
    public async Task AddKeyedInMemoryChannels_KeyedSection_BindsOnlyThatRegistration()
    {
        await using var provider = HostHelper.BuildProvider(
            s => s.AddRealtime().AddInMemoryChannels().AddKeyedInMemoryChannels("orders"),
            new Dictionary<string, string?>
            {
                ["Realtime:orders:InMemory:Channels:ClientId"] = "orders-service",
                ["Realtime:InMemory:Channels:ClientId"] = "main-service",
            });
        Assert.Equal("orders-service", provider.GetRequiredKeyedService<IChannelClient>("orders").ClientId);
        Assert.Equal("main-service", provider.GetRequiredService<IChannelClient>().ClientId);
    }

    [Fact]
    public async Task AddInMemoryStore_ConfigurationSection_BindsDatabaseName()
    {
        await using var provider = HostHelper.BuildProvider(
            s => s.AddRealtime().AddInMemoryStore().AddKeyedInMemoryStore("replica"),
            new Dictionary<string, string?>
            {
                ["Realtime:InMemory:Store:Database"] = "shared",
                ["Realtime:replica:InMemory:Store:Database"] = "shared",
            });
        var main = provider.GetRequiredService<IRealtimeStore>();
        var replica = provider.GetRequiredKeyedService<IRealtimeStore>("replica");
        await main.SetAsync("k", "v", Ct);
        Assert.Equal("v", (await replica.GetAsync("k", Ct)).Node.GetString());
    }

    [Fact]
    public async Task AddInMemoryChannels_ExplicitConfiguration_BindsItInsteadOfTheDefaultPath()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Custom:Place:ClientId"] = "explicit",
        }).Build();
        await using var provider = HostHelper.BuildProvider(
            s => s.AddRealtime().AddInMemoryChannels(configuration.GetSection("Custom:Place")),
            new Dictionary<string, string?> { ["Realtime:InMemory:Channels:ClientId"] = "default-path" });
        Assert.Equal("explicit", provider.GetRequiredService<IChannelClient>().ClientId);
    }

    [Fact]
    public async Task AddInMemoryChannels_CodeAndConfiguration_CodeWins()
    {
        await using var provider = HostHelper.BuildProvider(
            s => s.AddRealtime().AddInMemoryChannels(o => o.ClientId = "from-code"),
            new Dictionary<string, string?> { ["Realtime:InMemory:Channels:ClientId"] = "from-config" });
        Assert.Equal("from-code", provider.GetRequiredService<IChannelClient>().ClientId);
    }

    [Fact]
    public async Task StartAsync_MaxMessageSizeZero_FailsNamingTheSetting()
    {
        var builder = HostHelper.CreateBuilder(new Dictionary<string, string?> { ["Realtime:InMemory:Channels:MaxMessageSize"] = "0" });
        builder.Services.AddRealtime().AddInMemoryChannels();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostHelper.StartAsync(builder));
        Assert.Contains("Realtime:InMemory:Channels:MaxMessageSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("between 1 and 16777216 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_KeyedRegistrationInvalid_FailsNamingTheKeyedPath()
    {
        var builder = HostHelper.CreateBuilder(new Dictionary<string, string?>
        {
            ["Realtime:orders:InMemory:Channels:HistoryRetention"] = "00:00:00",
            ["Realtime:orders:InMemory:Channels:MaxMessageSize"] = "999999999",
        });
        builder.Services.AddRealtime().AddInMemoryChannels().AddKeyedInMemoryChannels("orders");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostHelper.StartAsync(builder));
        Assert.Contains("Realtime:orders:InMemory:Channels:HistoryRetention", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Realtime:orders:InMemory:Channels:MaxMessageSize", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public async Task StartAsync_WildcardClientIdInCode_FailsNamingClientId()
    {
        var builder = HostHelper.CreateBuilder();
        builder.Services.AddRealtime().AddInMemoryChannels(o => o.ClientId = "*");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostHelper.StartAsync(builder));
        Assert.Contains("Realtime:InMemory:Channels:ClientId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("wildcard", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ValidOptions_StartsAndResolves()
    {
        var builder = HostHelper.CreateBuilder(new Dictionary<string, string?> { ["Realtime:InMemory:Channels:MaxMessageSize"] = "1024" });
        builder.Services.AddRealtime().AddInMemoryStore().AddInMemoryChannels();
        var host = await HostHelper.StartAsync(builder);
        try
        {
            Assert.NotNull(host.Services.GetRequiredService<IChannelClient>());
            Assert.NotNull(host.Services.GetRequiredService<IRealtimeStore>());
            await host.StopAsync(Ct);
        }
        finally
        {
            await HostHelper.DisposeAsync(host);
        }
    }

    [Fact]
    public async Task GetRequiredService_InvalidOptionsWithoutHost_ThrowsOnResolve()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime().AddInMemoryChannels(o => o.MaxHistoryPerChannel = -1));
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IChannelClient>());
        Assert.Contains("Realtime:InMemory:Channels:MaxHistoryPerChannel", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InvalidProviderSecret_MessageNeverContainsTheValue()
    {
        var builder = HostHelper.CreateBuilder(new Dictionary<string, string?> { ["Realtime:Fake:Secret"] = "s3cr3t-value" });
        builder.Services.AddRealtime().AddKeyedFakeStore(null);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostHelper.StartAsync(builder));
        Assert.Contains("Realtime:Fake:Url", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", ex.Message, StringComparison.Ordinal);
    }
}
