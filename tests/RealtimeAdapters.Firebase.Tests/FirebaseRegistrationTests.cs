using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Firebase.Tests;

public sealed class FirebaseRegistrationTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddFirebaseStore_BindsRealtimeFirebaseSection_AndWorks()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:Firebase:DatabaseUrl"] = fixture.Emulator.FirebaseUrl.ToString(),
            ["Realtime:Firebase:Namespace"] = TestSupport.NewNamespace(),
            ["Realtime:Firebase:UseEmulatorAdmin"] = "true",
        });
        builder.Services.AddRealtime().AddFirebaseStore();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var store = host.Services.GetRequiredService<IRealtimeStore>();
        Assert.Equal(FirebaseRealtimeStore.Name, store.Metadata.ProviderName);
        await store.SetAsync("x", 1, Ct);
        Assert.Equal(1, (await store.GetAsync("x", Ct)).Node.GetNumber());
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddFirebaseChannels_ConnectionFromTheStoreSection_ChannelSettingsFromTheirOwn()
    {
        var builder = Host.CreateApplicationBuilder();
        var ns = TestSupport.NewNamespace();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:Firebase:DatabaseUrl"] = fixture.Emulator.FirebaseUrl.ToString(),
            ["Realtime:Firebase:Namespace"] = ns,
            ["Realtime:Firebase:UseEmulatorAdmin"] = "true",
            ["Realtime:Firebase:Channels:ClientId"] = "svc",
            ["Realtime:Firebase:Channels:Root"] = "app/channels",
        });
        builder.Services.AddRealtime().AddFirebaseStore().AddFirebaseChannels();
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var channels = host.Services.GetRequiredService<IChannelClient>();
        Assert.Equal(("Firebase", "svc"), (channels.Metadata.ProviderName, channels.ClientId));
        Assert.True(channels.Metadata.Supports(RealtimeCapabilities.Channels | RealtimeCapabilities.Presence | RealtimeCapabilities.History));
        await channels.GetChannel("news").PublishAsync("n", "x", Ct);
        var stored = await host.Services.GetRequiredService<IRealtimeStore>().GetAsync(RealtimeQuery.At("app/channels/news/messages").OrderByKey().WithLimitToLast(1), Ct);
        Assert.Equal("svc", Assert.Single(stored.Children).Child("clientId").Node.GetString());
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddKeyedFirebaseChannels_InvalidSettings_FailAtStartNamingThem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:chat:Firebase:Channels:Database:DatabaseUrl"] = "http://example.com/",
            ["Realtime:chat:Firebase:Channels:ClientId"] = "*",
        });
        builder.Services.AddRealtime().AddKeyedFirebaseChannels("chat");
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("Realtime:chat:Firebase:Channels", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ClientId", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedFirebaseStore_PlainHttpToRemoteHost_FailsAtStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:main:Firebase:DatabaseUrl"] = "http://example.com/",
        });
        builder.Services.AddRealtime().AddKeyedFirebaseStore("main");
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        Assert.Contains("Realtime:main:Firebase:DatabaseUrl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedFirebaseStore_ThenInMemoryUnderSameKey_StartsWithoutValidatingFirebaseOptions()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:main:Firebase:DatabaseUrl"] = "http://example.com/",
        });
        builder.Services.AddRealtime().AddKeyedFirebaseStore("main").AddKeyedInMemoryStore("main");
        using var host = builder.Build();

        await host.StartAsync(Ct);

        Assert.Equal("InMemory", host.Services.GetRequiredKeyedService<IRealtimeStore>("main").Metadata.ProviderName);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddKeyedFirebaseStore_ResolvesByKey()
    {
        var services = new ServiceCollection();
        services.AddRealtime().AddKeyedFirebaseStore("k", o =>
        {
            o.DatabaseUrl = fixture.Emulator.FirebaseUrl;
            o.UseEmulatorAdmin = true;
            o.Namespace = TestSupport.NewNamespace();
        });
        await using var sp = services.BuildServiceProvider();
        var store = sp.GetRequiredKeyedService<IRealtimeStore>("k");
        Assert.False((await store.GetAsync("nothing", Ct)).Exists);
    }
}
