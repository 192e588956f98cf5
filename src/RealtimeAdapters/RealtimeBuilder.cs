using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RealtimeAdapters.Internal;

namespace RealtimeAdapters;

/// <summary>
/// Registers realtime stores and channel clients in a service collection; returned by
/// <c>services.AddRealtime()</c>. Provider packages add extension methods to it (<c>AddInMemoryStore</c>,
/// <c>AddInMemoryChannels</c>, ...); their registrations go through <see cref="AddStore"/>, <see cref="AddChannelClient"/>
/// and <see cref="AddProviderOptions{TOptions}(object?, string, Action{Microsoft.Extensions.Configuration.IConfiguration, TOptions}, Microsoft.Extensions.Configuration.IConfiguration?, Action{TOptions}?)"/> so that decorators (for every registration: <see cref="UseStore"/>,
/// <see cref="UseChannelClient"/>; for one: <see cref="ConfigureStore"/>, <see cref="ConfigureKeyedChannelClient"/> and their siblings),
/// configuration binding, validation at start and the test swap (<c>ReplaceRealtimeWithInMemory</c>) work the same for
/// every provider.
/// </summary>
/// <remarks>
/// <para>One store and one channel client per key: a later registration under the same key (or unkeyed) replaces the
/// earlier one, together with the options the earlier provider registered through <see cref="AddProviderOptions{TOptions}(object?, string, Action{Microsoft.Extensions.Configuration.IConfiguration, TOptions}, Microsoft.Extensions.Configuration.IConfiguration?, Action{TOptions}?)"/>
/// (their binding, validation and start-up check). Stores and clients are singletons owned by the container, which disposes them
/// (asynchronously: dispose the container with <c>DisposeAsync</c>).</para>
/// <para>Configuration layout: provider options bind from <c>Realtime:&lt;Provider&gt;</c> for the unkeyed registration and
/// from <c>Realtime:&lt;key&gt;:&lt;Provider&gt;</c> for a keyed one (see <see cref="GetConfigurationPath"/>).</para>
/// </remarks>
public sealed class RealtimeBuilder
{
    /// <summary>The configuration section every realtime option lives under: <c>Realtime</c>.</summary>
    public const string ConfigurationSectionName = "Realtime";

    internal RealtimeBuilder(IServiceCollection services)
    {
        Services = services;
        services.TryAddSingleton(TimeProvider.System);
    }

    /// <summary>The service collection the builder registers into.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The options name used for a registration key: <see cref="Microsoft.Extensions.Options.Options.DefaultName"/> (empty) for the unkeyed
    /// registration, the key itself for a string key, and <see cref="object.ToString"/> for other keys.
    /// </summary>
    /// <param name="serviceKey">The registration key, or <see langword="null"/> for the unkeyed registration.</param>
    public static string GetOptionsName(object? serviceKey) => serviceKey switch
    {
        null => Microsoft.Extensions.Options.Options.DefaultName,
        string s => s,
        _ => serviceKey.ToString() ?? string.Empty,
    };

    /// <summary>
    /// The configuration path of a provider's options: <c>Realtime:&lt;providerSection&gt;</c> for the unkeyed
    /// registration, <c>Realtime:&lt;key&gt;:&lt;providerSection&gt;</c> for a keyed one.
    /// </summary>
    /// <param name="serviceKey">The registration key, or <see langword="null"/>.</param>
    /// <param name="providerSection">The provider's section, e.g. <c>InMemory:Store</c> or <c>Firebase</c>.</param>
    public static string GetConfigurationPath(object? serviceKey, string providerSection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerSection);
        return serviceKey is null
            ? ConfigurationPath.Combine(ConfigurationSectionName, providerSection)
            : ConfigurationPath.Combine(ConfigurationSectionName, GetOptionsName(serviceKey), providerSection);
    }

    /// <summary>Registers the unkeyed <see cref="IRealtimeStore"/>, replacing any earlier unkeyed store.</summary>
    /// <param name="factory">Creates the provider's store; the decorators added with <see cref="UseStore"/> wrap it.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder AddStore(Func<IServiceProvider, IRealtimeStore> factory) => AddKeyedStore(null, factory);

    /// <summary>Registers an <see cref="IRealtimeStore"/> under <paramref name="serviceKey"/>, replacing any earlier store with that key.</summary>
    /// <param name="serviceKey">The key (<c>[FromKeyedServices(key)]</c>, <c>GetRequiredKeyedService</c>); <see langword="null"/> registers the unkeyed store.</param>
    /// <param name="factory">Creates the provider's store; the decorators added with <see cref="UseStore"/> wrap it.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder AddKeyedStore(object? serviceKey, Func<IServiceProvider, IRealtimeStore> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        CheckKey(serviceKey);
        Register<IRealtimeStore>(Services, serviceKey, sp => RealtimePipeline.Build(sp, serviceKey, factory, "store", static s => s.Metadata));
        return this;
    }

    /// <summary>Registers the unkeyed <see cref="IChannelClient"/>, replacing any earlier unkeyed client.</summary>
    /// <param name="factory">Creates the provider's client; the decorators added with <see cref="UseChannelClient"/> wrap it.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder AddChannelClient(Func<IServiceProvider, IChannelClient> factory) => AddKeyedChannelClient(null, factory);

    /// <summary>Registers an <see cref="IChannelClient"/> under <paramref name="serviceKey"/>, replacing any earlier client with that key.</summary>
    /// <param name="serviceKey">The key; <see langword="null"/> registers the unkeyed client.</param>
    /// <param name="factory">Creates the provider's client; the decorators added with <see cref="UseChannelClient"/> wrap it.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder AddKeyedChannelClient(object? serviceKey, Func<IServiceProvider, IChannelClient> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        CheckKey(serviceKey);
        Register<IChannelClient>(Services, serviceKey, sp => RealtimePipeline.Build(sp, serviceKey, factory, "channel client", static c => c.Metadata));
        return this;
    }

    /// <summary>
    /// Wraps every store this container creates (whatever its provider and key, registered before or after this call)
    /// with a decorator, typically a <see cref="DelegatingRealtimeStore"/>. The first decorator added is the outermost; these
    /// wrap the decorators of single registrations (<see cref="ConfigureStore"/>, <see cref="ConfigureKeyedStore"/>).
    /// </summary>
    /// <param name="decorator">Receives the store to wrap and the service provider; returns the wrapper.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder UseStore(Func<IRealtimeStore, IServiceProvider, IRealtimeStore> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        Services.AddSingleton(new RealtimeDecorator<IRealtimeStore>(decorator, RegistrationScope.All));
        return this;
    }

    /// <summary>
    /// Wraps every channel client this container creates with a decorator, typically a <see cref="DelegatingChannelClient"/>.
    /// The first decorator added is the outermost; these wrap the decorators of single registrations
    /// (<see cref="ConfigureChannelClient"/>, <see cref="ConfigureKeyedChannelClient"/>).
    /// </summary>
    /// <param name="decorator">Receives the client to wrap and the service provider; returns the wrapper.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder UseChannelClient(Func<IChannelClient, IServiceProvider, IChannelClient> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        Services.AddSingleton(new RealtimeDecorator<IChannelClient>(decorator, RegistrationScope.All));
        return this;
    }

    /// <summary>
    /// Adds decorators to the unkeyed store only (per registration, as <c>ChatClientBuilder</c> does), e.g.
    /// <c>ConfigureStore(s =&gt; s.UseTelemetry())</c>. They apply to whichever provider is registered unkeyed, before or
    /// after this call.
    /// </summary>
    /// <param name="configure">Adds the decorators.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder ConfigureStore(Action<RealtimeRegistrationBuilder<IRealtimeStore>> configure) => Configure(null, configure);

    /// <summary>Adds decorators to the store registered under <paramref name="serviceKey"/> only.</summary>
    /// <param name="serviceKey">The registration's key.</param>
    /// <param name="configure">Adds the decorators.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder ConfigureKeyedStore(object serviceKey, Action<RealtimeRegistrationBuilder<IRealtimeStore>> configure)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Configure(serviceKey, configure);
    }

    /// <summary>
    /// Adds decorators to the unkeyed channel client only, e.g. <c>ConfigureChannelClient(c =&gt; c.UseTelemetry())</c>.
    /// They apply to whichever provider is registered unkeyed, before or after this call.
    /// </summary>
    /// <param name="configure">Adds the decorators.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder ConfigureChannelClient(Action<RealtimeRegistrationBuilder<IChannelClient>> configure) => Configure(null, configure);

    /// <summary>Adds decorators to the channel client registered under <paramref name="serviceKey"/> only.</summary>
    /// <param name="serviceKey">The registration's key.</param>
    /// <param name="configure">Adds the decorators.</param>
    /// <returns>This builder.</returns>
    public RealtimeBuilder ConfigureKeyedChannelClient(object serviceKey, Action<RealtimeRegistrationBuilder<IChannelClient>> configure)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return Configure(serviceKey, configure);
    }

    /// <summary>
    /// Registers a provider's options for one registration key: named <see cref="GetOptionsName"/>, bound from
    /// <paramref name="configuration"/> when given, otherwise from the application's <see cref="IConfiguration"/> at
    /// <see cref="GetConfigurationPath"/> (when the container has one), then passed to <paramref name="configure"/>;
    /// validated with their DataAnnotations attributes and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>
    /// when the host starts (<c>ValidateOnStart</c>) and whenever they are read. They belong to the store or channel client
    /// registered next under the same key: when that registration is replaced, they are removed with it. Binds by
    /// reflection; a trimmed or native AOT application's provider uses the overload that takes the binding.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="serviceKey">The registration key, or <see langword="null"/>.</param>
    /// <param name="providerSection">The provider's configuration section below <c>Realtime</c> (or below <c>Realtime:&lt;key&gt;</c>).</param>
    /// <param name="configuration">An explicit configuration section to bind instead of the default path.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The options builder, for further configuration or validation.</returns>
    [RequiresUnreferencedCode(ReflectionBindingMessage)]
    [RequiresDynamicCode(ReflectionBindingMessage)]
    public OptionsBuilder<TOptions> AddProviderOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(
        object? serviceKey,
        string providerSection,
        IConfiguration? configuration = null,
        Action<TOptions>? configure = null)
        where TOptions : class =>
        // The configuration binding generator cannot bind a type parameter: this overload binds by reflection on purpose.
        AddProviderOptions(serviceKey, providerSection, static (section, options) => section.Bind(options), configuration, configure);

    /// <summary>
    /// Registers a provider's options for one registration key as <see cref="AddProviderOptions{TOptions}(object?, string, IConfiguration?, Action{TOptions}?)"/>
    /// does, binding configuration with <paramref name="bind"/>: a call such as <c>(section, o) => section.Bind(o)</c> made
    /// where the options type is known, which the configuration binding source generator
    /// (<c>EnableConfigurationBindingGenerator</c>) turns into code that trimming and native AOT keep.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="serviceKey">The registration key, or <see langword="null"/>.</param>
    /// <param name="providerSection">The provider's configuration section below <c>Realtime</c> (or below <c>Realtime:&lt;key&gt;</c>).</param>
    /// <param name="bind">Binds a configuration section onto the options.</param>
    /// <param name="configuration">An explicit configuration section to bind instead of the default path.</param>
    /// <param name="configure">Code configuration, applied after binding.</param>
    /// <returns>The options builder, for further configuration or validation.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The required binding parameter comes before the optional ones, so calls stay unambiguous.")]
    public OptionsBuilder<TOptions> AddProviderOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(
        object? serviceKey,
        string providerSection,
        Action<IConfiguration, TOptions> bind,
        IConfiguration? configuration = null,
        Action<TOptions>? configure = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(bind);
        CheckKey(serviceKey);
        var name = GetOptionsName(serviceKey);
        var path = GetConfigurationPath(serviceKey, providerSection);
        var registrations = ProviderRegistrations.Get(Services);
        var first = Services.Count;
        var options = Services.AddOptions<TOptions>(name);
        if (configuration is not null)
        {
            path = (configuration as IConfigurationSection)?.Path ?? path;
            options.Configure(o => bind(configuration, o));
        }
        else
        {
            // The application's configuration is optional: a bare ServiceCollection (a test) has none.
            options.Configure<IServiceProvider>((o, sp) =>
            {
                if (sp.GetService<IConfiguration>() is { } root)
                {
                    bind(root.GetSection(path), o);
                }
            });
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        Services.AddSingleton<IValidateOptions<TOptions>>(new RealtimeOptionsValidator<TOptions>(name, path));
        options.ValidateOnStart();
        registrations.RecordOptions(Services, first, serviceKey);
        return options;
    }

    private const string ReflectionBindingMessage =
        "Binds the options from configuration by reflection, which trimming and native AOT cannot follow. " +
        "Use the overload that takes the binding, with the configuration binding source generator enabled.";

    private RealtimeBuilder Configure<TService>(object? serviceKey, Action<RealtimeRegistrationBuilder<TService>> configure)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        CheckKey(serviceKey);
        configure(new RealtimeRegistrationBuilder<TService>(Services, serviceKey));
        return this;
    }

    private static void CheckKey(object? serviceKey)
    {
        if (serviceKey is string s && string.IsNullOrWhiteSpace(s))
        {
            throw new ArgumentException("A registration key must not be empty or white space: it names the registration's options and configuration section.", nameof(serviceKey));
        }
    }

    private static void Register<TService>(IServiceCollection services, object? serviceKey, Func<IServiceProvider, TService> factory)
        where TService : class
    {
        ProviderRegistrations.Get(services).Claim<TService>(services, serviceKey);
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var d = services[i];
            if (d.ServiceType == typeof(TService) && Equals(d.ServiceKey, serviceKey))
            {
                services.RemoveAt(i);
            }
        }

        if (serviceKey is null)
        {
            services.AddSingleton(factory);
        }
        else
        {
            services.AddKeyedSingleton(serviceKey, (sp, _) => factory(sp));
        }
    }
}
