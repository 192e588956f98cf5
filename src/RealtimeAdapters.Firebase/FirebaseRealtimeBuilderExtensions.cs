using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RealtimeAdapters;
using RealtimeAdapters.Firebase;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Firebase Realtime Database provider (<see cref="FirebaseRealtimeStore"/>) on a <see cref="RealtimeBuilder"/>.</summary>
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

    private static RealtimeBuilder AddCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<FirebaseStoreOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProviderOptions(serviceKey, FirebaseStoreOptions.ConfigurationSection, configuration, configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedStore(serviceKey, sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<FirebaseStoreOptions>>().Get(name);
            options.TimeProvider ??= sp.GetService<TimeProvider>();
            return new FirebaseRealtimeStore(options);
        });
    }
}
