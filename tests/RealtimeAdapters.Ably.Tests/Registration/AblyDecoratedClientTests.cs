using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using RealtimeAdapters.Ably.Tests.Provider;

namespace RealtimeAdapters.Ably.Tests.Registration;

/// <summary>Ably's own API through a decorated client: reachable, and still measured by telemetry.</summary>
public sealed class AblyDecoratedClientTests : AblyEmulatorTest
{
    private ServiceProvider Build() =>
        new ServiceCollection()
            .AddMetrics()
            .AddRealtime().AddAblyChannels(o =>
            {
                var defaults = ClientOptions(clientId: "alice");
                o.Endpoint = defaults.Endpoint;
                o.Key = defaults.Key;
                o.ClientId = defaults.ClientId;
                o.RealtimeRequestTimeout = defaults.RealtimeRequestTimeout;
            })
            .UseTelemetry()
            .Services.BuildServiceProvider();

    [Fact]
    public async Task GetChannelWithOptions_ThroughTelemetry_ReturnsTheMeasuredChannelWithItsOptions()
    {
        await using var provider = Build();
        var measurements = Listen(provider, out var listener);
        using var _ = listener;
        var client = provider.GetRequiredService<IChannelClient>();
        Assert.IsNotType<AblyChannelClient>(client);
        await using var publisher = new AblyChannelClient(ClientOptions());
        for (var i = 1; i <= 3; i++)
        {
            await publisher.GetChannel("news").PublishAsync("n", "old-" + i, Ct);
        }

        var channel = client.GetChannel("news", new AblyChannelOptions { Rewind = "1" });
        Assert.Same(channel, client.GetChannel("news"));
        await using var subscription = await channel.SubscribeAsync(cancellationToken: Ct);
        await using var reader = subscription.GetAsyncEnumerator(Ct);
        Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(Wait, Ct));
        Assert.Equal("old-3", reader.Current.Data.AsString());
        await channel.PublishAsync("n", "mine", Ct);

        Assert.Contains(RealtimeDiagnostics.ChannelPublishDuration, measurements);
        Assert.Contains(RealtimeDiagnostics.ChannelMessagesReceived, measurements);
        Assert.Equal(AblyChannelState.Attached, client.GetChannelState("news"));
        Assert.NotNull(client.CreateRecoveryKey());
        Assert.NotNull(client.GetConnectionId());
        Assert.Throws<RealtimeValidationException>(() => client.GetChannel("news", new AblyChannelOptions { Rewind = "2" }));
    }

    [Fact]
    public async Task DetachAsync_ThroughTelemetry_IsMeasuredAsDetach()
    {
        await using var provider = Build();
        var measurements = Listen(provider, out var listener);
        using var _ = listener;
        var client = provider.GetRequiredService<IChannelClient>();
        await using var states = client.WatchChannelStates();
        await using (await client.GetChannel("room").SubscribeAsync(cancellationToken: Ct))
        {
            await client.DetachAsync("room", Ct);
        }

        Assert.Equal(AblyChannelState.Detached, client.GetChannelState("room"));
        Assert.Contains(RealtimeDiagnostics.ChannelOperationDuration + ":detach", measurements);
    }

    [Fact]
    public async Task AblyHelpers_OnAnotherProvider_RefusedNamingTheProvider()
    {
        await using var provider = new ServiceCollection().AddRealtime().AddInMemoryChannels().UseTelemetry().Services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChannelClient>();

        var refused = Assert.Throws<RealtimeNotSupportedException>(() => client.GetChannel("news", new AblyChannelOptions { Rewind = "1" }));
        Assert.Equal("InMemory", refused.ProviderName);
        await Assert.ThrowsAsync<RealtimeNotSupportedException>(async () => await client.DetachAsync("news", Ct));
    }

    // Instrument names (and "name:operation" for operation durations) of the measurements this container's meter makes.
    private static ConcurrentBag<string> Listen(ServiceProvider provider, out MeterListener listener)
    {
        var scope = provider.GetRequiredService<IMeterFactory>();
        var seen = new ConcurrentBag<string>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RealtimeDiagnostics.Name && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            seen.Add(instrument.Name);
            foreach (var tag in tags)
            {
                if (tag.Key == RealtimeDiagnostics.OperationTag)
                {
                    seen.Add(instrument.Name + ":" + tag.Value);
                }
            }
        }

        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
        listener.Start();
        return seen;
    }
}
