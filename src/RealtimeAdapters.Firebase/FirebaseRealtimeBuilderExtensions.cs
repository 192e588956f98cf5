using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RealtimeAdapters;
using RealtimeAdapters.Firebase;
using RealtimeAdapters.Firebase.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the Firebase Realtime Database providers on a <see cref="RealtimeBuilder"/>: the store
/// (<see cref="FirebaseRealtimeStore"/>) and channels over database paths (<see cref="FirebaseChannelClient"/>).
/// </summary>
public static class FirebaseRealtimeBuilderExtensions
{
    /// <summary>
    /// Registers the unkeyed <see cref="IRealtimeStore"/> as a <see cref="FirebaseRealtimeStore"/>, with options bound from
    /// <c>Realtime:Firebase</c> and validated when the host starts (https required except on loopback).
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddFirebaseStore(this RealtimeBuilder builder, Action<FirebaseStoreOptions>? configure = null) =>
        AddCore(builder, null, null, configure);

    /// <summary>Registers the unkeyed Firebase store with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddFirebaseStore(this RealtimeBuilder builder, IConfiguration configuration, Action<FirebaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(builder, null, configuration, configure);
    }

    /// <summary>Registers a Firebase store under <paramref name="serviceKey"/>, with options bound from <c>Realtime:&lt;key&gt;:Firebase</c>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedFirebaseStore(this RealtimeBuilder builder, object serviceKey, Action<FirebaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddCore(builder, serviceKey, null, configure);
    }

    /// <summary>Registers a Firebase store under <paramref name="serviceKey"/> with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedFirebaseStore(this RealtimeBuilder builder, object serviceKey, IConfiguration configuration, Action<FirebaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(builder, serviceKey, configuration, configure);
    }

    /// <summary>
    /// Registers the unkeyed <see cref="IChannelClient"/> as a <see cref="FirebaseChannelClient"/> (channels over database
    /// paths), with options bound from <c>Realtime:Firebase:Channels</c>; its database connection comes from
    /// <c>Realtime:Firebase:Channels:Database</c>, or, when that names no database, from the store's section
    /// <c>Realtime:Firebase</c>. Validated when the host starts.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddFirebaseChannels(this RealtimeBuilder builder, Action<FirebaseChannelOptions>? configure = null) =>
        AddChannelsCore(builder, null, null, configure);

    /// <summary>Registers the unkeyed Firebase channel client with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configuration">The section to bind (its <c>Database</c> child holds the connection).</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddFirebaseChannels(this RealtimeBuilder builder, IConfiguration configuration, Action<FirebaseChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddChannelsCore(builder, null, configuration, configure);
    }

    /// <summary>
    /// Registers a Firebase channel client under <paramref name="serviceKey"/>, with options bound from
    /// <c>Realtime:&lt;key&gt;:Firebase:Channels</c> (the connection falling back to <c>Realtime:&lt;key&gt;:Firebase</c>).
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedFirebaseChannels(this RealtimeBuilder builder, object serviceKey, Action<FirebaseChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddChannelsCore(builder, serviceKey, null, configure);
    }

    /// <summary>Registers a Firebase channel client under <paramref name="serviceKey"/> with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedFirebaseChannels(this RealtimeBuilder builder, object serviceKey, IConfiguration configuration, Action<FirebaseChannelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddChannelsCore(builder, serviceKey, configuration, configure);
    }

    private static RealtimeBuilder AddChannelsCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<FirebaseChannelOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.AddProviderOptions(serviceKey, FirebaseChannelOptions.ConfigurationSection, BindChannels, configuration, configure);
        if (configuration is null)
        {
            // The connection settings are the store's unless the channels' section names a database of its own. Applied after
            // binding and code configuration, before validation; it only ever fills in a missing database.
            var storeSection = RealtimeBuilder.GetConfigurationPath(serviceKey, FirebaseStoreOptions.ConfigurationSection);
            options.PostConfigure<IServiceProvider>((o, sp) =>
            {
                if (o.Database is { DatabaseUrl: null } database)
                {
                    if (sp.GetService<IConfiguration>() is { } root)
                    {
                        BindStore(root.GetSection(storeSection), database);
                    }
                }
            });
        }

        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedChannelClient(serviceKey, sp =>
        {
            var o = sp.GetRequiredService<IOptionsMonitor<FirebaseChannelOptions>>().Get(name);
            o.TimeProvider ??= sp.GetService<TimeProvider>();
            return new FirebaseChannelClient(o);
        });
    }

    private static RealtimeBuilder AddCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<FirebaseStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProviderOptions(serviceKey, FirebaseStoreOptions.ConfigurationSection, BindStore, configuration, configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedStore(serviceKey, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<FirebaseStoreOptions>>().Get(name);
            options.TimeProvider ??= sp.GetService<TimeProvider>();
            return new FirebaseRealtimeStore(options);
        });
    }

    // Bound through the settings configuration can hold, by the configuration binding generator (trimming, AOT).
    private static void BindChannels(IConfiguration section, FirebaseChannelOptions options) => FirebaseChannelSettings.Bind(section, options);

    private static void BindStore(IConfiguration section, FirebaseStoreOptions options) => FirebaseStoreSettings.Bind(section, options);
}
