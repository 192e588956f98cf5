using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RealtimeAdapters.Telemetry;

namespace RealtimeAdapters.Internal;

/// <summary>Creates a provider's store or client and wraps it in the registered decorators, first added outermost.</summary>
internal static class RealtimePipeline
{
    public static IRealtimeStore BuildStore(IServiceProvider services, object? serviceKey, Func<IServiceProvider, IRealtimeStore> factory)
    {
        var store = factory(services) ?? throw NullFrom("store", serviceKey);
        LogCreated(services, store.Metadata.ProviderName, "store", serviceKey);
        var decorators = services.GetServices<StoreDecorator>().ToArray();
        for (var i = decorators.Length - 1; i >= 0; i--)
        {
            store = decorators[i].Decorate(store, services) ?? throw new InvalidOperationException("A store decorator returned null.");
        }

        return store;
    }

    public static IChannelClient BuildChannelClient(IServiceProvider services, object? serviceKey, Func<IServiceProvider, IChannelClient> factory)
    {
        var client = factory(services) ?? throw NullFrom("channel client", serviceKey);
        LogCreated(services, client.Metadata.ProviderName, "channel client", serviceKey);
        var decorators = services.GetServices<ChannelClientDecorator>().ToArray();
        for (var i = decorators.Length - 1; i >= 0; i--)
        {
            client = decorators[i].Decorate(client, services) ?? throw new InvalidOperationException("A channel client decorator returned null.");
        }

        return client;
    }

    private static InvalidOperationException NullFrom(string what, object? serviceKey) =>
        new($"The factory registered for the {what} {Describe(serviceKey)} returned null.");

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
