using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using RealtimeAdapters;
using RealtimeAdapters.Ably;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Ably providers on a <see cref="RealtimeBuilder"/>: channels (<see cref="AblyChannelClient"/>) and the store over LiveObjects (<see cref="AblyRealtimeStore"/>).</summary>
public static class AblyRealtimeBuilderExtensions
{
    /// <summary>
    /// Registers the unkeyed <see cref="IChannelClient"/> as an <see cref="AblyChannelClient"/>, with options bound from
    /// <c>Realtime:Ably</c> and validated when the host starts (credentials present and well-formed, Basic auth only over
    /// TLS or to loopback).
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configure">Code configuration, applied after binding (for example <see cref="AblyChannelClientOptions.AuthCallback"/>).</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddAblyChannels(this RealtimeBuilder builder, Action<AblyChannelClientOptions>? configure = null) =>
        AddCore(builder, null, null, configure);

    /// <summary>Registers the unkeyed Ably channel client with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddAblyChannels(this RealtimeBuilder builder, IConfiguration configuration, Action<AblyChannelClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(builder, null, configuration, configure);
    }

    /// <summary>Registers an Ably channel client under <paramref name="serviceKey"/>, with options bound from <c>Realtime:&lt;key&gt;:Ably</c>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedAblyChannels(this RealtimeBuilder builder, object serviceKey, Action<AblyChannelClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddCore(builder, serviceKey, null, configure);
    }

    /// <summary>Registers an Ably channel client under <paramref name="serviceKey"/> with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedAblyChannels(this RealtimeBuilder builder, object serviceKey, IConfiguration configuration, Action<AblyChannelClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(builder, serviceKey, configuration, configure);
    }

    /// <summary>
    /// Registers the unkeyed <see cref="IRealtimeStore"/> as an <see cref="AblyRealtimeStore"/> (the JSON tree over LiveObjects
    /// on <see cref="AblyChannelClientOptions.StoreChannel"/>), with options bound from <c>Realtime:Ably</c> and validated when
    /// the host starts. When Ably channels are registered under the same key (<c>AddAblyChannels</c>), the store shares that
    /// client's connection (one socket for both); otherwise it has a connection of its own.
    /// </summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddAblyStore(this RealtimeBuilder builder, Action<AblyChannelClientOptions>? configure = null) =>
        AddStoreCore(builder, null, null, configure);

    /// <summary>Registers the unkeyed Ably store with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="configuration">The section to bind.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddAblyStore(this RealtimeBuilder builder, IConfiguration configuration, Action<AblyChannelClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddStoreCore(builder, null, configuration, configure);
    }

    /// <summary>Registers an Ably store under <paramref name="serviceKey"/>, with options bound from <c>Realtime:&lt;key&gt;:Ably</c>.</summary>
    /// <param name="builder">The realtime builder.</param>
    /// <param name="serviceKey">The key.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The builder.</returns>
    public static RealtimeBuilder AddKeyedAblyStore(this RealtimeBuilder builder, object serviceKey, Action<AblyChannelClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return AddStoreCore(builder, serviceKey, null, configure);
    }

    private static RealtimeBuilder AddCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<AblyChannelClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProviderOptions(serviceKey, AblyChannelClientOptions.ConfigurationSection, Bind, configuration, configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedChannelClient(serviceKey, sp => new AblyChannelClient(ResolveOptions(sp, name)));
    }

    private static RealtimeBuilder AddStoreCore(RealtimeBuilder builder, object? serviceKey, IConfiguration? configuration, Action<AblyChannelClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddProviderOptions(serviceKey, AblyChannelClientOptions.ConfigurationSection, Bind, configuration, configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedStore(serviceKey, sp => SharedClient(sp, serviceKey) is { } client
            ? new AblyRealtimeStore(client)
            : new AblyRealtimeStore(ResolveOptions(sp, name)));
    }

    /// <summary>The Ably channel client registered under the same key (reached through decorators), whose connection the store shares.</summary>
    private static AblyChannelClient? SharedClient(IServiceProvider sp, object? serviceKey) =>
        (serviceKey is null ? sp.GetService<IChannelClient>() : sp.GetKeyedService<IChannelClient>(serviceKey))?.GetService<AblyChannelClient>();

    private static AblyChannelClientOptions ResolveOptions(IServiceProvider sp, string name)
    {
        var options = sp.GetRequiredService<IOptionsMonitor<AblyChannelClientOptions>>().Get(name);

        // The container's clock (a FakeTimeProvider in tests) unless the options chose one.
        if (ReferenceEquals(options.TimeProvider, TimeProvider.System) && sp.GetService<TimeProvider>() is { } time)
        {
            options.TimeProvider = time;
        }

        // IHttpClientFactory, when the application registered it: REST and the WebSocket share its named client's handler.
        if (options.HttpMessageHandler is null && sp.GetService<IHttpMessageHandlerFactory>() is { } handlers)
        {
            options.HttpMessageHandlerFactory = () => handlers.CreateHandler(AblyChannelClientOptions.HttpClientName);
        }

        return options;
    }

    // Bound where the options type is known, so that the configuration binding generator emits the binding (trimming, AOT).
    private static void Bind(IConfiguration section, AblyChannelClientOptions options)
    {
        section.Bind(options);

        // The generator does not set init-only properties, and AblyTokenParams is an immutable record: its keys are read here.
        var tokenParams = section.GetSection(nameof(AblyChannelClientOptions.TokenParams));
        if (tokenParams.Exists())
        {
            var current = options.TokenParams ?? new AblyTokenParams();
            options.TokenParams = current with
            {
                Ttl = tokenParams.GetValue<TimeSpan?>(nameof(AblyTokenParams.Ttl)) ?? current.Ttl,
                Capability = tokenParams[nameof(AblyTokenParams.Capability)] ?? current.Capability,
                ClientId = tokenParams[nameof(AblyTokenParams.ClientId)] ?? current.ClientId,
            };
        }
    }
}
