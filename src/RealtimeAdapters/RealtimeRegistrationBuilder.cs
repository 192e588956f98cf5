using Microsoft.Extensions.DependencyInjection;
using RealtimeAdapters.Internal;

namespace RealtimeAdapters;

/// <summary>
/// The decorators of one registration — one store or one channel client under one key — as <c>ChatClientBuilder</c>
/// composes those of one chat client:
/// <c>AddRealtime().AddKeyedAblyChannels("chat").ConfigureKeyedChannelClient("chat", c =&gt; c.UseTelemetry().Use(...))</c>.
/// Obtained from <see cref="RealtimeBuilder.ConfigureStore"/>, <see cref="RealtimeBuilder.ConfigureKeyedStore"/>,
/// <see cref="RealtimeBuilder.ConfigureChannelClient"/> and <see cref="RealtimeBuilder.ConfigureKeyedChannelClient"/>.
/// </summary>
/// <typeparam name="TService"><see cref="IRealtimeStore"/> or <see cref="IChannelClient"/>.</typeparam>
/// <remarks>
/// A registration's own decorators sit inside those added for every registration (<see cref="RealtimeBuilder.UseStore"/>,
/// <see cref="RealtimeBuilder.UseChannelClient"/>), the first added outermost. They belong to the key, not to the provider:
/// they also wrap a provider registered under the key later (a test's <c>ReplaceRealtimeWithInMemory</c>).
/// </remarks>
public sealed class RealtimeRegistrationBuilder<TService>
    where TService : class
{
    internal RealtimeRegistrationBuilder(IServiceCollection services, object? serviceKey)
    {
        Services = services;
        ServiceKey = serviceKey;
    }

    /// <summary>The service collection the registration lives in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The registration's key; <see langword="null"/> for the unkeyed registration.</summary>
    public object? ServiceKey { get; }

    /// <summary>
    /// Wraps this registration's store or client with a decorator, typically a <see cref="DelegatingRealtimeStore"/> or
    /// <see cref="DelegatingChannelClient"/>.
    /// </summary>
    /// <param name="decorator">Receives the service to wrap and the service provider; returns the wrapper.</param>
    /// <returns>This builder.</returns>
    public RealtimeRegistrationBuilder<TService> Use(Func<TService, IServiceProvider, TService> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        Services.AddSingleton(new RealtimeDecorator<TService>(decorator, RegistrationScope.For(ServiceKey)));
        return this;
    }

    /// <summary>Wraps this registration's store or client with a decorator that needs no services.</summary>
    /// <param name="decorator">Receives the service to wrap; returns the wrapper.</param>
    /// <returns>This builder.</returns>
    public RealtimeRegistrationBuilder<TService> Use(Func<TService, TService> decorator)
    {
        ArgumentNullException.ThrowIfNull(decorator);
        return Use((inner, _) => decorator(inner));
    }
}
