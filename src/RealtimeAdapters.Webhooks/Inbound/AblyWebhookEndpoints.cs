using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace RealtimeAdapters.Webhooks;

/// <summary>Registers and maps the inbound Ably webhook endpoint.</summary>
public static class AblyWebhookEndpoints
{
    /// <summary>
    /// Registers the endpoint's services: the options, the verifier and the <see cref="AblyWebhookReceiver"/> subscribers
    /// read events from.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the keys (required) and limits.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAblyWebhooks(this IServiceCollection services, Action<AblyWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AblyWebhookOptions>().Configure(configure).Validate(o =>
        {
            _ = o.ParseKeys();
            return true;
        });
        services.AddSingleton<AblyWebhookReceiver>();
        services.AddSingleton<AblyWebhookHandler>();
        return services;
    }

    /// <summary>Maps <c>POST <paramref name="pattern"/></c> to the endpoint Ably's integration rule posts to.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route; <c>/webhooks/ably</c> by default.</param>
    /// <returns>The endpoint's convention builder (add authorization policies, rate limits... there).</returns>
    /// <exception cref="InvalidOperationException"><see cref="AddAblyWebhooks"/> was not called.</exception>
    public static IEndpointConventionBuilder MapAblyWebhooks(this IEndpointRouteBuilder endpoints, string pattern = "/webhooks/ably")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = endpoints.ServiceProvider.GetService<AblyWebhookHandler>()
            ?? throw new InvalidOperationException("Call services.AddAblyWebhooks(...) before MapAblyWebhooks.");
        return endpoints.MapPost(pattern, handler.HandleAsync);
    }
}
