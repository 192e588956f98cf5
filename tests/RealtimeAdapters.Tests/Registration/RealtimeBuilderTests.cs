using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RealtimeAdapters.InMemory;
using RealtimeAdapters.Tests.Fakes;

namespace RealtimeAdapters.Tests.Registration;

public class RealtimeBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddInMemoryStore_Unkeyed_ResolvesOneInMemoryStoreSingleton()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime().AddInMemoryStore());
        var store = provider.GetRequiredService<IRealtimeStore>();
        Assert.IsType<InMemoryRealtimeStore>(store);
        Assert.Equal("InMemory", store.Metadata.ProviderName);
        Assert.Same(store, provider.GetRequiredService<IRealtimeStore>());

        await store.SetAsync("greeting", "hello", Ct);
        Assert.Equal("hello", (await store.GetAsync("greeting", Ct)).Node.GetString());
    }

    [Fact]
    public async Task AddKeyedInMemoryStore_TwoKeys_ResolvesSeparateStoresWithSeparateData()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddKeyedInMemoryStore("orders")
            .AddKeyedInMemoryStore("users"));
        var orders = provider.GetRequiredKeyedService<IRealtimeStore>("orders");
        var users = provider.GetRequiredKeyedService<IRealtimeStore>("users");
        Assert.NotSame(orders, users);
        Assert.Null(provider.GetService<IRealtimeStore>());

        await orders.SetAsync("x", 1, Ct);
        Assert.False((await users.GetAsync("x", Ct)).Exists);
        Assert.True((await orders.GetAsync("x", Ct)).Exists);
    }

    [Fact]
    public async Task AddKeyedInMemoryStore_SameDatabaseName_StoresShareData()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddKeyedInMemoryStore("alice", o => o.Database = "todo")
            .AddKeyedInMemoryStore("bob", o => o.Database = "todo"));
        var alice = provider.GetRequiredKeyedService<IRealtimeStore>("alice");
        var bob = provider.GetRequiredKeyedService<IRealtimeStore>("bob");
        Assert.NotSame(alice, bob);

        await alice.SetAsync("todos/1", "milk", Ct);
        Assert.Equal("milk", (await bob.GetAsync("todos/1", Ct)).Node.GetString());
    }

    [Fact]
    public async Task AddInMemoryChannels_UnkeyedAndKeyed_ResolveDistinctClients()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddInMemoryChannels()
            .AddKeyedInMemoryChannels("chat", o => o.ClientId = "alice"));
        var main = provider.GetRequiredService<IChannelClient>();
        var chat = provider.GetRequiredKeyedService<IChannelClient>("chat");
        Assert.IsType<InMemoryChannelClient>(main);
        Assert.IsType<InMemoryChannelClient>(chat);
        Assert.NotSame(main, chat);
        Assert.Null(main.ClientId);
        Assert.Equal("alice", chat.ClientId);
    }

    [Fact]
    public async Task AddKeyedInMemoryChannels_SameHubName_ClientsSeeEachOthersMessages()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddKeyedInMemoryChannels("alice", o => { o.Hub = "shared"; o.ClientId = "alice"; })
            .AddKeyedInMemoryChannels("bob", o => { o.Hub = "shared"; o.ClientId = "bob"; }));
        var alice = provider.GetRequiredKeyedService<IChannelClient>("alice");
        var bob = provider.GetRequiredKeyedService<IChannelClient>("bob");

        await using var subscription = await bob.GetChannel("room").SubscribeAsync(cancellationToken: Ct);
        await alice.GetChannel("room").PublishAsync("hello", "hi bob", Ct);

        await using var reader = subscription.GetAsyncEnumerator(Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct));
        Assert.Equal("hi bob", reader.Current.Data.AsString());
        Assert.Equal("alice", reader.Current.ClientId);
    }

    [Fact]
    public async Task AddInMemoryStore_TimeProviderInContainer_StoreUsesIt()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2030-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var provider = HostHelper.BuildProvider(s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddRealtime().AddInMemoryStore();
        });
        var store = provider.GetRequiredService<IRealtimeStore>();
        var database = Assert.IsType<InMemoryDatabase>(store.GetService(typeof(InMemoryDatabase)));
        Assert.Same(time, database.TimeProvider);

        await store.SetAsync("at", ServerValue.Timestamp, Ct);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), (await store.GetAsync("at", Ct)).Node.GetNumber());
    }

    [Fact]
    public void AddRealtime_CalledTwice_RegistersTimeProviderOnceAndKeepsAnExistingOne()
    {
        var services = new ServiceCollection();
        var time = new FakeTimeProvider();
        services.AddSingleton<TimeProvider>(time);
        services.AddRealtime();
        services.AddRealtime();
        var registration = Assert.Single(services, d => d.ServiceType == typeof(TimeProvider));
        Assert.Same(time, registration.ImplementationInstance);

        var fresh = new ServiceCollection();
        fresh.AddRealtime();
        fresh.AddRealtime();
        Assert.Same(TimeProvider.System, Assert.Single(fresh, d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance);
    }

    [Fact]
    public async Task AddStore_SameKeyTwice_LaterRegistrationReplacesEarlier()
    {
        var services = new ServiceCollection();
        services.AddRealtime().AddKeyedInMemoryStore("main").AddKeyedStore("main", _ => new FakeProviderStore());
        Assert.Single(services, d => d.ServiceType == typeof(IRealtimeStore));
        await using var provider = services.BuildServiceProvider();
        Assert.IsType<FakeProviderStore>(provider.GetRequiredKeyedService<IRealtimeStore>("main"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("main")]
    public async Task StartAsync_ProviderReplacedUnderSameKey_ReplacedProvidersOptionsAreNotValidated(string? key)
    {
        // The fake provider's options need a URL and a secret; none are configured, so its validation would fail the start.
        var builder = HostHelper.CreateBuilder();
        builder.Services.AddRealtime().AddKeyedFakeStore(key).AddKeyedFakeChannels(key);
        if (key is null)
        {
            builder.Services.AddRealtime().AddInMemoryStore();
        }
        else
        {
            builder.Services.AddRealtime().AddKeyedInMemoryStore(key);
        }

        var host = await HostHelper.StartAsync(builder);
        try
        {
            Assert.IsType<InMemoryRealtimeStore>(host.Services.GetRequiredKeyedService<IRealtimeStore>(key));
            Assert.DoesNotContain(builder.Services, d => d.ServiceType == typeof(IValidateOptions<FakeProviderOptions>));
            Assert.IsType<FakeProviderChannelClient>(host.Services.GetRequiredKeyedService<IChannelClient>(key));
        }
        finally
        {
            await HostHelper.DisposeAsync(host);
        }
    }

    [Fact]
    public async Task StartAsync_ProviderReplacedUnderAnotherKey_KeepsValidatingTheOtherKey()
    {
        var builder = HostHelper.CreateBuilder();
        builder.Services.AddRealtime().AddKeyedFakeStore("orders").AddKeyedInMemoryStore("main");

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => HostHelper.StartAsync(builder));

        Assert.Contains("Realtime:orders:Fake:Url", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddKeyedInMemoryStore_EmptyKey_ThrowsNamingTheKey()
    {
        var builder = new ServiceCollection().AddRealtime();
        var ex = Assert.Throws<ArgumentException>(() => builder.AddKeyedInMemoryStore(" "));
        Assert.Equal("serviceKey", ex.ParamName);
    }

    [Fact]
    public async Task DisposeAsync_Container_DisposesUnkeyedAndKeyedStoresAndClients()
    {
        var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddInMemoryStore()
            .AddKeyedInMemoryStore("other")
            .AddInMemoryChannels()
            .AddKeyedStore("fake", _ => new FakeProviderStore()));
        var store = provider.GetRequiredService<IRealtimeStore>();
        var keyed = provider.GetRequiredKeyedService<IRealtimeStore>("other");
        var client = provider.GetRequiredService<IChannelClient>();
        var fake = (FakeProviderStore)provider.GetRequiredKeyedService<IRealtimeStore>("fake");

        await provider.DisposeAsync();

        Assert.True(fake.IsDisposed);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.GetAsync("x", Ct));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await keyed.GetAsync("x", Ct));
        Assert.Throws<ObjectDisposedException>(() => client.GetChannel("any"));
    }

    [Fact]
    public async Task UseStore_TwoDecoratorsAddedAfterTheStore_WrapItFirstOutermost()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .AddInMemoryStore()
            .UseStore((inner, _) => new TaggingStore(inner, "outer"))
            .UseStore((inner, _) => new TaggingStore(inner, "inner")));
        var store = provider.GetRequiredService<IRealtimeStore>();

        var outer = Assert.IsType<TaggingStore>(store);
        Assert.Equal("outer", outer.Tag);
        Assert.Equal("inner", Assert.IsType<TaggingStore>(outer.Inner).Tag);
        Assert.IsType<InMemoryRealtimeStore>(((TaggingStore)outer.Inner).Inner);

        // The escape hatch reaches the provider through both decorators.
        Assert.IsType<InMemoryDatabase>(store.GetService(typeof(InMemoryDatabase)));
        Assert.Same(store, store.GetService(typeof(DelegatingRealtimeStore)));
    }

    [Fact]
    public async Task UseChannelClient_Decorator_WrapsEveryClientAndDisposesThroughIt()
    {
        await using var provider = HostHelper.BuildProvider(s => s.AddRealtime()
            .UseChannelClient((inner, _) => new CountingClient(inner))
            .AddInMemoryChannels()
            .AddKeyedInMemoryChannels("b"));
        var a = Assert.IsType<CountingClient>(provider.GetRequiredService<IChannelClient>());
        var b = Assert.IsType<CountingClient>(provider.GetRequiredKeyedService<IChannelClient>("b"));
        _ = a.GetChannel("x");
        Assert.Equal(1, a.GetChannelCalls);
        Assert.Equal(0, b.GetChannelCalls);
        Assert.Equal("InMemory", a.Metadata.ProviderName);
    }

    private sealed class TaggingStore(IRealtimeStore inner, string tag) : DelegatingRealtimeStore(inner)
    {
        public string Tag => tag;

        public IRealtimeStore Inner => InnerStore;
    }

    private sealed class CountingClient(IChannelClient inner) : DelegatingChannelClient(inner)
    {
        public int GetChannelCalls { get; private set; }

        public override IChannel GetChannel(string name)
        {
            GetChannelCalls++;
            return base.GetChannel(name);
        }
    }
}
