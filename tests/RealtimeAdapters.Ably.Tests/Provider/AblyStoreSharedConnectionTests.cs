using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

/// <summary>The LiveObjects store on a channel client's connection: one socket carries channel messages and the store's objects.</summary>
public sealed class AblyStoreSharedConnectionTests : AblyEmulatorTest
{
    /// <summary>A store made over a channel client uses its socket (the emulator sees one connection); disposing the store leaves the client working.</summary>
    [Fact]
    public async Task Constructor_OverChannelClient_OneSocketCarriesChannelsAndStore()
    {
        await using var client = new AblyChannelClient(ClientOptions());
        var store = new AblyRealtimeStore(client, "shared-store");
        await using var subscription = new SubscriptionReader<ChannelMessage>(await client.GetChannel("chat").SubscribeAsync(cancellationToken: Ct), Wait, Ct);

        await store.SetAsync("a/b", 1, Ct);
        await client.GetChannel("chat").PublishAsync("hello", "world", Ct);

        Assert.Equal("hello", (await subscription.NextAsync("the message")).Name);
        Assert.Equal("""{"b":1}""", (await store.GetAsync("a", Ct)).Node.ToJsonString());
        Assert.Same(client.Connection, store.Connection);
        Assert.Equal([client.RealtimeConnection.ConnectionId!], Emulator.AblyFaults.ConnectionIds);
        Assert.Equal("shared-store", store.ChannelName);

        await store.DisposeAsync();
        await client.GetChannel("chat").PublishAsync("after", "store disposed", Ct);
        Assert.Equal("after", (await subscription.NextAsync("a message after the store was disposed")).Name);
        Assert.Equal(ConnectionState.Connected, client.Connection.State);
    }

    /// <summary>Registered together under one key, the Ably channels and the Ably store share one client and one socket.</summary>
    [Fact]
    public async Task AddAblyStore_WithAblyChannels_SharesTheirConnection()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Realtime:Ably:Endpoint"] = Emulator.AblyUrl.ToString(),
            ["Realtime:Ably:Key"] = Emulator.AblyKeys[0],
            ["Realtime:Ably:StoreChannel"] = "todos",
        });
        builder.Services.AddRealtime().AddAblyChannels().AddAblyStore();
        using var host = builder.Build();
        await host.StartAsync(Ct);

        var channels = host.Services.GetRequiredService<IChannelClient>();
        var store = host.Services.GetRequiredService<IRealtimeStore>();
        await store.SetAsync("t1", "milk", Ct);
        await channels.GetChannel("chat").PublishAsync("n", "x", Ct);

        Assert.Same(channels.GetService<AblyChannelClient>(), store.GetService<AblyChannelClient>());
        Assert.Equal("todos", store.GetService<AblyRealtimeStore>()!.ChannelName);
        Assert.Single(Emulator.AblyFaults.ConnectionIds);
        await host.StopAsync(Ct);
    }
}
