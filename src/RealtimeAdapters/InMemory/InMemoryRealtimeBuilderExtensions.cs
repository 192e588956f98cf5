using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RealtimeAdapters;
using RealtimeAdapters.InMemory;
using RealtimeAdapters.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the in-memory provider (<see cref="InMemoryRealtimeStore"/>, <see cref="InMemoryChannelClient"/>).</summary>
public static class InMemoryRealtimeBuilderExtensions
{
    /// <summary>
    /// Registers an in-memory <see cref="IRealtimeStore"/> as the unkeyed store, with options bound from
    /// <c>Realtime:InMemory:Store</c>. Its clock is the container's <see cref="TimeProvider"/>.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddInMemoryStore(this RealtimeBuilder builder, Action<InMemoryStoreProviderOptions>? configure = null) =>
        AddInMemoryStoreCore(builder, null, null, configure);

    /// <summary>Registers an in-memory <see cref="IRealtimeStore"/> as the unkeyed store, with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddInMemoryStore(this RealtimeBuilder builder, IConfiguration configuration, Action<InMemoryStoreProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddInMemoryStoreCore(builder, null, configuration, configure);
    }

    /// <summary>
    /// Registers an in-memory <see cref="IRealtimeStore"/> under <paramref name="serviceKey"/>, with options bound from
    /// <c>Realtime:&lt;key&gt;:InMemory:Store</c>.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key to resolve it with (<c>[FromKeyedServices(key)]</c>).</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedInMemoryStore(this RealtimeBuilder builder, object serviceKey, Action<InMemoryStoreProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddInMemoryStoreCore(builder, serviceKey, null, configure);
    }

    /// <summary>Registers an in-memory <see cref="IRealtimeStore"/> under <paramref name="serviceKey"/>, with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key to resolve it with.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedInMemoryStore(this RealtimeBuilder builder, object serviceKey, IConfiguration configuration, Action<InMemoryStoreProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddInMemoryStoreCore(builder, serviceKey, configuration, configure);
    }

    /// <summary>
    /// Registers an in-memory <see cref="IChannelClient"/> as the unkeyed channel client, with options bound from
    /// <c>Realtime:InMemory:Channels</c> and validated at start. Its clock is the container's <see cref="TimeProvider"/>.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddInMemoryChannels(this RealtimeBuilder builder, Action<InMemoryChannelsProviderOptions>? configure = null) =>
        AddInMemoryChannelsCore(builder, null, null, configure);

    /// <summary>Registers an in-memory <see cref="IChannelClient"/> as the unkeyed channel client, with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddInMemoryChannels(this RealtimeBuilder builder, IConfiguration configuration, Action<InMemoryChannelsProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddInMemoryChannelsCore(builder, null, configuration, configure);
    }

    /// <summary>
    /// Registers an in-memory <see cref="IChannelClient"/> under <paramref name="serviceKey"/>, with options bound from
    /// <c>Realtime:&lt;key&gt;:InMemory:Channels</c> and validated at start.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key to resolve it with.</param>
    /// <param name="configure">Adjusts the options after configuration binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedInMemoryChannels(this RealtimeBuilder builder, object serviceKey, Action<InMemoryChannelsProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddInMemoryChannelsCore(builder, serviceKey, null, configure);
    }

    /// <summary>Registers an in-memory <see cref="IChannelClient"/> under <paramref name="serviceKey"/>, with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key to resolve it with.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedInMemoryChannels(this RealtimeBuilder builder, object serviceKey, IConfiguration configuration, Action<InMemoryChannelsProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddInMemoryChannelsCore(builder, serviceKey, configuration, configure);
    }

    internal static RealtimeBuilder AddInMemoryStoreCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<InMemoryStoreProviderOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<InMemoryBackends>();
        builder.AddProviderOptions(serviceKey, InMemoryStoreProviderOptions.ConfigurationSection, BindStore, configuration, configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedStore(serviceKey, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<InMemoryStoreProviderOptions>>().Get(name);
            var time = sp.GetRequiredService<TimeProvider>();
            var database = options.Database is { } shared
                ? sp.GetRequiredService<InMemoryBackends>().GetDatabase(shared, () => new InMemoryDatabase(time))
                : new InMemoryDatabase(time);
            return new InMemoryRealtimeStore(database);
        });
    }

    internal static RealtimeBuilder AddInMemoryChannelsCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<InMemoryChannelsProviderOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<InMemoryBackends>();
        builder.AddProviderOptions(serviceKey, InMemoryChannelsProviderOptions.ConfigurationSection, BindChannels, configuration, configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedChannelClient(serviceKey, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<InMemoryChannelsProviderOptions>>().Get(name);
            var time = sp.GetRequiredService<TimeProvider>();
            InMemoryChannelHub CreateHub() => new(new InMemoryChannelOptions
            {
                TimeProvider = time,
                MaxMessageSize = options.MaxMessageSize,
                HistoryRetention = options.HistoryRetention,
                MaxHistoryPerChannel = options.MaxHistoryPerChannel,
            });
            var hub = options.Hub is { } shared ? sp.GetRequiredService<InMemoryBackends>().GetHub(shared, CreateHub) : CreateHub();
            return new InMemoryChannelClient(hub, new InMemoryChannelClientOptions { ClientId = options.ClientId, EchoMessages = options.EchoMessages });
        });
    }

    // Bound where the options type is known, so that the configuration binding generator emits the binding (trimming, AOT).
    private static void BindStore(IConfiguration section, InMemoryStoreProviderOptions options) => section.Bind(options);

    // Bound where the options type is known, so that the configuration binding generator emits the binding (trimming, AOT).
    private static void BindChannels(IConfiguration section, InMemoryChannelsProviderOptions options) => section.Bind(options);
}
