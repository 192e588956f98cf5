using RealtimeAdapters;
using RealtimeAdapters.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers RealtimeAdapters in a service collection, and swaps its providers for in-memory ones in tests.</summary>
public static class RealtimeServiceCollectionExtensions
{
    /// <summary>
    /// Starts registering realtime stores and channel clients: <c>services.AddRealtime().AddInMemoryStore().AddInMemoryChannels()</c>.
    /// Registers the shared services once (<see cref="TimeProvider.System"/> unless a <see cref="TimeProvider"/> is already
    /// registered); calling it again is harmless.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder to add providers and decorators with.</returns>
    public static RealtimeBuilder AddRealtime(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new RealtimeBuilder(services);
    }

    /// <summary>
    /// For tests: replaces every <see cref="IRealtimeStore"/> and <see cref="IChannelClient"/> registration — keyed and
    /// unkeyed, whatever the provider — with an in-memory one under the same key, and drops the validation of the options
    /// providers registered through <see cref="RealtimeBuilder.AddProviderOptions{TOptions}(object?, string, Action{Microsoft.Extensions.Configuration.IConfiguration, TOptions}, Microsoft.Extensions.Configuration.IConfiguration?, Action{TOptions}?)"/> (a test has no Firebase URL
    /// or Ably key), so that the host starts. Call it after the application's own
    /// registrations, e.g. in <c>ConfigureTestServices</c>. Decorators such as telemetry still apply.
    /// </summary>
    /// <remarks>
    /// Each replacement has its own in-memory backend. Adjust one with the named options of its key, e.g.
    /// <c>services.Configure&lt;InMemoryChannelsProviderOptions&gt;("chat", o =&gt; o.ClientId = "alice")</c>
    /// (the unkeyed registration uses the empty name).
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="timeProvider">
    /// A clock to use for every realtime service instead of the registered one, e.g. a <c>FakeTimeProvider</c>; it replaces
    /// the container's unkeyed <see cref="TimeProvider"/>. <see langword="null"/> keeps the registered clock.
    /// </param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection ReplaceRealtimeWithInMemory(this IServiceCollection services, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var storeKeys = new List<object?>();
        var channelKeys = new List<object?>();
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var d = services[i];
            if (d.ServiceType == typeof(IRealtimeStore))
            {
                storeKeys.Insert(0, d.ServiceKey);
                services.RemoveAt(i);
            }
            else if (d.ServiceType == typeof(IChannelClient))
            {
                channelKeys.Insert(0, d.ServiceKey);
                services.RemoveAt(i);
            }
            else if (!d.IsKeyedService && d.ImplementationInstance is IRealtimeOptionsValidator)
            {
                // The in-memory replacements register their own validators again below.
                services.RemoveAt(i);
            }
        }

        if (timeProvider is not null)
        {
            for (var i = services.Count - 1; i >= 0; i--)
            {
                if (services[i].ServiceType == typeof(TimeProvider) && !services[i].IsKeyedService)
                {
                    services.RemoveAt(i);
                }
            }

            services.AddSingleton(timeProvider);
        }

        var builder = services.AddRealtime();
        foreach (var key in storeKeys.Distinct())
        {
            InMemoryRealtimeBuilderExtensions.AddInMemoryStoreCore(builder, key, null, null);
        }

        foreach (var key in channelKeys.Distinct())
        {
            InMemoryRealtimeBuilderExtensions.AddInMemoryChannelsCore(builder, key, null, null);
        }

        return services;
    }
}
