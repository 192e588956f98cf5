using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Registration;

public sealed class AblyRegistrationTests
{
    private const string Secret = "registration-secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HostApplicationBuilder NewHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    [Fact]
    public async Task AddAblyChannels_BindsRealtimeAblySection_AndConnects()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);
        var builder = NewHost(new()
        {
            ["Realtime:Ably:Endpoint"] = emulator.AblyUrl.ToString(),
            ["Realtime:Ably:Key"] = emulator.AblyKeys[0],
            ["Realtime:Ably:ClientId"] = "alice",
            ["Realtime:Ably:UseBinaryProtocol"] = "true",
            ["Realtime:Ably:EchoMessages"] = "false",
            ["Realtime:Ably:RealtimeRequestTimeout"] = "00:00:07",
            ["Realtime:Ably:TokenParams:Ttl"] = "00:30:00",
            ["Realtime:Ably:TokenParams:Capability"] = """{"*":["*"]}""",
        });
        builder.Services.AddRealtime().AddAblyChannels();
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var client = host.Services.GetRequiredService<IChannelClient>();
        Assert.Equal(AblyChannelClient.Name, client.Metadata.ProviderName);
        Assert.Equal("alice", client.ClientId);
        var options = host.Services.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>().Get(Options.DefaultName);
        Assert.True(options.UseBinaryProtocol);
        Assert.False(options.EchoMessages);
        Assert.Equal(TimeSpan.FromSeconds(7), options.RealtimeRequestTimeout);
        Assert.Equal(new AblyTokenParams { Ttl = TimeSpan.FromMinutes(30), Capability = """{"*":["*"]}""" }, options.TokenParams);

        await client.Connection.ConnectAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddAblyStore_BindsRealtimeAblySection_AndKeyedStoresUseTheirOwnChannel()
    {
        await using var emulator = await RealtimeEmulator.StartAsync(new EmulatorOptions { Firebase = { Enabled = false }, Ably = { Enabled = true, Port = 0 } }, Ct);
        var builder = NewHost(new()
        {
            ["Realtime:Ably:Endpoint"] = emulator.AblyUrl.ToString(),
            ["Realtime:Ably:Key"] = emulator.AblyKeys[0],
            ["Realtime:Ably:StoreChannel"] = "todos",
            ["Realtime:other:Ably:Endpoint"] = emulator.AblyUrl.ToString(),
            ["Realtime:other:Ably:Key"] = emulator.AblyKeys[0],
            ["Realtime:other:Ably:StoreChannel"] = "other",
        });
        builder.Services.AddRealtime().AddAblyStore().AddKeyedAblyStore("other");
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var store = host.Services.GetRequiredService<IRealtimeStore>();
        var other = host.Services.GetRequiredKeyedService<IRealtimeStore>("other");
        Assert.Equal(RealtimeCapabilities.Store | RealtimeCapabilities.Queries, store.Metadata.Capabilities);
        Assert.Equal("todos", store.GetService<AblyRealtimeStore>()!.ChannelName);
        Assert.Equal("other", other.GetService<AblyRealtimeStore>()!.ChannelName);
        await store.SetAsync("a", 1, Ct);
        Assert.False((await other.GetAsync("a", Ct)).Exists);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddAblyChannels_BindsDictionaries_CipherKeysAuthParamsAndHeaders_AndValidatesCipherKeysAtStart()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var builder = NewHost(new()
        {
            ["Realtime:Ably:Endpoint"] = "https://rest.example.com/",
            ["Realtime:Ably:AuthUrl"] = "https://auth.example.com/ably-token",
            ["Realtime:Ably:AuthMethod"] = "POST",
            ["Realtime:Ably:AuthParams:tenant"] = "blue",
            ["Realtime:Ably:AuthHeaders:X-Session"] = "s-1",
            ["Realtime:Ably:ChannelCipherKeys:vault"] = key,
        });
        builder.Services.AddRealtime().AddAblyChannels();
        using (var host = builder.Build())
        {
            await host.StartAsync(Ct);
            var options = host.Services.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>().Get(Options.DefaultName);
            Assert.Equal(new Uri("https://auth.example.com/ably-token"), options.AuthUrl);
            Assert.Equal("POST", options.AuthMethod);
            Assert.Equal("blue", options.AuthParams["tenant"]);
            Assert.Equal("s-1", options.AuthHeaders["X-Session"]);
            Assert.Equal(key, options.ChannelCipherKeys["vault"]);
            await host.StopAsync(Ct);
        }

        var bad = NewHost(new()
        {
            ["Realtime:Ably:Endpoint"] = "https://rest.example.com/",
            ["Realtime:Ably:AuthUrl"] = "https://auth.example.com/ably-token",
            ["Realtime:Ably:ChannelCipherKeys:vault"] = "c2hvcnQ=",
        });
        bad.Services.AddRealtime().AddAblyChannels();
        using var badHost = bad.Build();
        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => badHost.StartAsync(Ct));
        Assert.Contains("ChannelCipherKeys:vault", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2hvcnQ=", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddKeyedAblyChannels_BindsKeyedSection_AndResolvesByKey()
    {
        var builder = NewHost(new()
        {
            ["Realtime:main:Ably:Endpoint"] = "https://main.example.com/",
            ["Realtime:main:Ably:Key"] = "app.main:" + Secret,
            ["Realtime:Ably:Endpoint"] = "https://unkeyed.example.com/",
        });
        builder.Services.AddRealtime().AddKeyedAblyChannels("main").AddKeyedAblyChannels("other", o =>
        {
            o.Endpoint = new Uri("https://other.example.com/");
            // Key options: AblyChannelClient does not take token-only options yet.
            o.Key = "app.other:" + Secret;
            o.UseTokenAuth = true;
        });
        using var host = builder.Build();
        await host.StartAsync(Ct);

        Assert.IsType<AblyChannelClient>(host.Services.GetRequiredKeyedService<IChannelClient>("main"), exactMatch: false);
        Assert.NotNull(host.Services.GetRequiredKeyedService<IChannelClient>("other"));
        Assert.Null(host.Services.GetService<IChannelClient>());
        var monitor = host.Services.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>();
        Assert.Equal(new Uri("https://main.example.com/"), monitor.Get("main").Endpoint);
        Assert.Equal(new Uri("https://other.example.com/"), monitor.Get("other").Endpoint);
        Assert.True(monitor.Get("other").UseTokenAuth);
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task AddAblyChannels_ExplicitSection_BindsIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Custom:Endpoint"] = "https://custom.example.com/",
            ["Custom:Key"] = "app.custom:" + Secret,
            ["Custom:UseTokenAuth"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddRealtime().AddAblyChannels(configuration.GetSection("Custom"), o => o.ClientId = "coded");
        await using var sp = services.BuildServiceProvider();

        var client = sp.GetRequiredService<IChannelClient>();

        Assert.Equal("coded", client.ClientId);
        var options = sp.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>().Get(Options.DefaultName);
        Assert.True(options.UseTokenAuth);
        Assert.Equal(new Uri("https://custom.example.com/"), options.Endpoint);
    }

    [Fact]
    public async Task AddKeyedAblyChannels_ExplicitSection_BindsIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Endpoint"] = "https://keyed.example.com/",
            ["Token"] = "keyed-token",
        }).Build();
        var services = new ServiceCollection();
        services.AddRealtime().AddKeyedAblyChannels("k", configuration);
        await using var sp = services.BuildServiceProvider();

        Assert.Equal("keyed-token", sp.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>().Get("k").Token);
    }

    [Fact]
    public async Task AddAblyChannels_CodeConfiguration_AuthCallbackKept()
    {
        var services = new ServiceCollection();
        Func<AblyTokenParams, CancellationToken, ValueTask<AblyAuthResult>> callback = (_, _) => ValueTask.FromResult(AblyAuthResult.FromToken("t"));
        services.AddRealtime().AddAblyChannels(o =>
        {
            o.Endpoint = new Uri("https://example.com/");
            o.Key = "app.key:" + Secret;
            o.AuthCallback = callback;
        });
        await using var sp = services.BuildServiceProvider();

        Assert.Same(callback, sp.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>().Get(Options.DefaultName).AuthCallback);
    }

    [Fact]
    public async Task AddAblyChannels_ContainerClock_IsUsedUnlessOptionsChoseOne()
    {
        var fake = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(fake);
        services.AddRealtime()
            .AddAblyChannels(o => { o.Endpoint = new Uri("https://example.com/"); o.Key = "app.key:" + Secret; })
            .AddKeyedAblyChannels("own", o => { o.Endpoint = new Uri("https://example.com/"); o.Key = "app.key:" + Secret; o.TimeProvider = new FakeTimeProvider(); });
        await using var sp = services.BuildServiceProvider();
        _ = sp.GetRequiredService<IChannelClient>();
        _ = sp.GetRequiredKeyedService<IChannelClient>("own");

        var monitor = sp.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>();
        Assert.Same(fake, monitor.Get(Options.DefaultName).TimeProvider);
        Assert.NotSame(fake, monitor.Get("own").TimeProvider);
    }

    [Fact]
    public async Task AddKeyedAblyChannels_BasicAuthOverPlainHttp_FailsAtStartNamingTheOption()
    {
        var builder = NewHost(new()
        {
            ["Realtime:main:Ably:Endpoint"] = "http://example.com/",
            ["Realtime:main:Ably:Key"] = "app.key:" + Secret,
        });
        builder.Services.AddRealtime().AddKeyedAblyChannels("main");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Realtime:main:Ably:Key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAblyChannels_NoCredentials_FailsAtStartNamingTheOption()
    {
        var builder = NewHost(new() { ["Realtime:Ably:Endpoint"] = "https://example.com/" });
        builder.Services.AddRealtime().AddAblyChannels();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Realtime:Ably:Key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Key, Token, AuthCallback or AuthUrl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAblyChannels_MalformedKey_FailsAtStartWithoutTheSecret()
    {
        var builder = NewHost(new()
        {
            ["Realtime:Ably:Endpoint"] = "https://example.com/",
            ["Realtime:Ably:Key"] = "no-colon-" + Secret,
            ["Realtime:Ably:TokenParams:Capability"] = "[",
        });
        builder.Services.AddRealtime().AddAblyChannels();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.Contains("Realtime:Ably:Key", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Realtime:Ably:TokenParams:Capability", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, ex.Message, StringComparison.Ordinal);
    }
}
