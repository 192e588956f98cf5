using Microsoft.Extensions.Diagnostics.HealthChecks;
using RealtimeAdapters;
using RealtimeAdapters.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Health checks over the connection state of realtime stores and channel clients.</summary>
public static class RealtimeHealthChecksBuilderExtensions
{
    /// <summary>
    /// Checks the connection of the <see cref="IRealtimeStore"/> registered under <paramref name="serviceKey"/>:
    /// healthy when connected (or not started yet), degraded while connecting or disconnected with a retry scheduled,
    /// <paramref name="failureStatus"/> when suspended, failed or closed.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="serviceKey">The store's key, or <see langword="null"/> for the unkeyed store.</param>
    /// <param name="name">The check's name; <c>realtime-store</c> (or <c>realtime-store-&lt;key&gt;</c>) when omitted.</param>
    /// <param name="failureStatus">The status when the connection is lost for good; <see cref="HealthStatus.Unhealthy"/> when omitted.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddRealtimeStoreHealthCheck(
        this IHealthChecksBuilder builder,
        object? serviceKey = null,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
        => AddCore<IRealtimeStore>(builder, "realtime-store", serviceKey, name, failureStatus, tags, static s => (s.Metadata, s.Connection));

    /// <summary>
    /// Checks the connection of the <see cref="IChannelClient"/> registered under <paramref name="serviceKey"/>, with the
    /// same statuses as <see cref="AddRealtimeStoreHealthCheck"/>.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="serviceKey">The client's key, or <see langword="null"/> for the unkeyed client.</param>
    /// <param name="name">The check's name; <c>realtime-channels</c> (or <c>realtime-channels-&lt;key&gt;</c>) when omitted.</param>
    /// <param name="failureStatus">The status when the connection is lost for good; <see cref="HealthStatus.Unhealthy"/> when omitted.</param>
    /// <param name="tags">Tags to filter checks by.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddRealtimeChannelClientHealthCheck(
        this IHealthChecksBuilder builder,
        object? serviceKey = null,
        string? name = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
        => AddCore<IChannelClient>(builder, "realtime-channels", serviceKey, name, failureStatus, tags, static c => (c.Metadata, c.Connection));

    // The service is resolved when the check runs, so a check registered before its provider still finds it.
    private static IHealthChecksBuilder AddCore<TService>(
        IHealthChecksBuilder builder,
        string prefix,
        object? serviceKey,
        string? name,
        HealthStatus? failureStatus,
        IEnumerable<string>? tags,
        Func<TService, (RealtimeProviderMetadata Metadata, IRealtimeConnection Connection)> select)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(
            name ?? DefaultName(prefix, serviceKey),
            sp => new RealtimeConnectionHealthCheck(() =>
                select(serviceKey is null ? sp.GetRequiredService<TService>() : sp.GetRequiredKeyedService<TService>(serviceKey))),
            failureStatus,
            tags));
    }

    private static string DefaultName(string prefix, object? serviceKey) =>
        serviceKey is null ? prefix : $"{prefix}-{RealtimeBuilder.GetOptionsName(serviceKey)}";
}
