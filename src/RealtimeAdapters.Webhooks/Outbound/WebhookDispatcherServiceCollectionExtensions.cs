using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Webhooks;

/// <summary>Registers a <see cref="WebhookDispatcher"/> in a service collection.</summary>
public static class WebhookDispatcherServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client the registered dispatcher posts with (configure proxies, handlers... on it).</summary>
    public const string HttpClientName = "RealtimeAdapters.Webhooks";

    /// <summary>
    /// Registers a singleton <see cref="WebhookDispatcher"/>: options validated at start, its HTTP client from
    /// <see cref="IHttpClientFactory"/> (named <see cref="HttpClientName"/>), the container's <see cref="IMeterFactory"/>
    /// and logger. The container disposes it (queued deliveries are abandoned; with an outbox they are sent on the next
    /// start).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets endpoints, retry policy, outbox.</param>
    /// <returns>The HTTP client's builder, to add handlers or settings to it.</returns>
    public static IHttpClientBuilder AddWebhookDispatcher(this IServiceCollection services, Action<WebhookDispatcherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<WebhookDispatcherOptions>()
            .Configure<IServiceProvider>((options, provider) =>
            {
                options.MeterFactory = provider.GetService<IMeterFactory>();
                configure(options);
            })
            .Validate(options =>
            {
                options.Validate();
                return true;
            })
            .ValidateOnStart();
        services.AddSingleton(provider => new WebhookDispatcher(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            provider.GetRequiredService<IOptions<WebhookDispatcherOptions>>().Value,
            provider.GetService<ILogger<WebhookDispatcher>>()));
        return services.AddHttpClient(HttpClientName);
    }
}
