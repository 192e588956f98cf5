using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RealtimeAdapters.HealthChecks;

/// <summary>
/// Reports a provider's connection state: connected (or not yet started) is healthy, connecting or disconnected with
/// a retry scheduled is degraded, suspended, failed or closed is the registration's failure status. The reason is
/// given by error type and code only, since health endpoints are often public.
/// </summary>
internal sealed class RealtimeConnectionHealthCheck(Func<(RealtimeProviderMetadata Metadata, IRealtimeConnection Connection)> resolve) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (metadata, connection) = resolve();
        var state = connection.State;
        var change = connection.LastChange;
        var data = new Dictionary<string, object>
        {
            ["provider"] = metadata.ProviderName,
            ["state"] = state.ToString(),
        };
        var description = $"{metadata.ProviderName}: {state}";
        if (change?.RetryAt is { } retryAt)
        {
            data["retryAt"] = retryAt;
            description += string.Create(CultureInfo.InvariantCulture, $", retrying at {retryAt:O}");
        }

        if (change?.Reason is { } reason)
        {
            data["reason"] = reason.GetType().Name;
            description += reason.ErrorCode is null ? $" ({reason.GetType().Name})" : $" ({reason.GetType().Name} {reason.ErrorCode})";
        }

        var status = state switch
        {
            ConnectionState.Connected or ConnectionState.Initialized => HealthStatus.Healthy,
            ConnectionState.Connecting or ConnectionState.Disconnected => HealthStatus.Degraded,
            _ => context.Registration.FailureStatus,
        };
        return Task.FromResult(new HealthCheckResult(status, description + ".", data: data));
    }
}
