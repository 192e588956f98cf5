using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Telemetry;

namespace RealtimeAdapters.Internal;

/// <summary>
/// Creates a provider's store or client and wraps it in the registered decorators: those added for every registration
/// outermost, then those of this registration's key, each group first added outermost.
/// </summary>
internal static class RealtimePipeline
{
    public static TService Build<TService>(IServiceProvider services, object? serviceKey, Func<IServiceProvider, TService> factory, string kind, Func<TService, RealtimeProviderMetadata> metadata)
        where TService : class
    {
        var service = factory(services) ?? throw new InvalidOperationException($"The factory registered for the {kind} {Describe(serviceKey)} returned null.");
        LogCreated(services, metadata(service).ProviderName, kind, serviceKey);
        var decorators = services.GetServices<RealtimeDecorator<TService>>().ToArray();

        // Applied from the inside out: this registration's own decorators (last added first), then the container-wide ones.
        var innermostFirst = decorators.Where(d => d.Scope.IsPerRegistration(serviceKey)).Reverse()
            .Concat(decorators.Where(d => d.Scope.IsAll).Reverse());
        foreach (var decorator in innermostFirst)
        {
            service = decorator.Decorate(service, services) ?? throw new InvalidOperationException($"A {kind} decorator returned null.");
        }

        return service;
    }

    private static void LogCreated(IServiceProvider services, string providerName, string kind, object? serviceKey)
    {
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(RealtimeDiagnostics.Name);
        if (logger is not null)
        {
            Log.ProviderCreated(logger, providerName, kind, serviceKey ?? "(unkeyed)");
        }
    }

    internal static string Describe(object? serviceKey) => serviceKey is null ? "(unkeyed)" : $"'{serviceKey}'";
}
