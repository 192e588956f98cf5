using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RealtimeAdapters.Tests.Fakes;

namespace RealtimeAdapters.Tests.HealthChecks;

public class RealtimeHealthCheckTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckHealthAsync_InMemoryStoreAndKeyedClient_Healthy()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRealtime().AddInMemoryStore().AddKeyedInMemoryChannels("chat");
        services.AddHealthChecks().AddRealtimeStoreHealthCheck().AddRealtimeChannelClientHealthCheck("chat");
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Equal(["realtime-channels-chat", "realtime-store"], report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("InMemory", report.Entries["realtime-store"].Data["provider"]);
    }

    [Theory]
    [InlineData(ConnectionState.Connected, HealthStatus.Healthy)]
    [InlineData(ConnectionState.Initialized, HealthStatus.Healthy)]
    [InlineData(ConnectionState.Connecting, HealthStatus.Degraded)]
    [InlineData(ConnectionState.Disconnected, HealthStatus.Degraded)]
    [InlineData(ConnectionState.Suspended, HealthStatus.Unhealthy)]
    [InlineData(ConnectionState.Failed, HealthStatus.Unhealthy)]
    [InlineData(ConnectionState.Closed, HealthStatus.Unhealthy)]
    public async Task CheckHealthAsync_ConnectionState_MapsToStatus(ConnectionState state, HealthStatus expected)
    {
        var store = new FakeProviderStore();
        store.FakeConnection.State = state;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRealtime().AddKeyedStore("remote", _ => store);
        services.AddHealthChecks().AddRealtimeStoreHealthCheck("remote");
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(expected, report.Entries["realtime-store-remote"].Status);
    }

    [Fact]
    public async Task CheckHealthAsync_DisconnectedWithReason_DescribesRetryAndErrorTypeButNotTheMessage()
    {
        var store = new FakeProviderStore();
        var retryAt = new DateTimeOffset(2030, 1, 1, 0, 0, 4, TimeSpan.Zero);
        store.FakeConnection.State = ConnectionState.Suspended;
        store.FakeConnection.LastChange = new ConnectionStateChange(
            ConnectionState.Disconnected,
            ConnectionState.Suspended,
            new RealtimeAuthenticationException("token abc.def.ghi expired") { ErrorCode = "40142" },
            retryAt);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRealtime().AddStore(_ => store);
        services.AddHealthChecks().AddRealtimeStoreHealthCheck(failureStatus: HealthStatus.Degraded);
        await using var provider = services.BuildServiceProvider();

        var entry = (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct)).Entries["realtime-store"];

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("Suspended", entry.Description, StringComparison.Ordinal);
        Assert.Contains("2030-01-01T00:00:04", entry.Description, StringComparison.Ordinal);
        Assert.Contains("RealtimeAuthenticationException 40142", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("abc.def.ghi", entry.Description, StringComparison.Ordinal);
    }
}
