using Microsoft.Extensions.DependencyInjection.Extensions;
using RealtimeAdapters;
using RealtimeAdapters.Collaboration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers collaborative documents replicated over the registered channel clients or stores.</summary>
public static class CollaborationServiceCollectionExtensions
{
    /// <summary>
    /// Registers a collaborative document under <paramref name="name"/>, replicated over the <see cref="IChannelClient"/> or
    /// <see cref="IRealtimeStore"/> registered in the container (by <see cref="CollaborationRegistration.ServiceKey"/>), and
    /// <see cref="CollaborationSessions"/>, which starts its session on first use:
    /// <c>services.AddCollaboration("todos", d =&gt; { d.Channel = "doc:todos"; d.ServiceKey = "ably"; })</c>, then
    /// <c>await sessions.GetAsync("todos")</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The document's name (unique in the container).</param>
    /// <param name="configure">Chooses the channel or store path and the settings.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentException">The settings are invalid, or the name is already registered.</exception>
    public static IServiceCollection AddCollaboration(this IServiceCollection services, string name, Action<CollaborationRegistration> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        var registration = new CollaborationRegistration();
        configure(registration);
        registration.Validate(name);
        if (services.Any(d => d.ImplementationInstance is NamedCollaborationRegistration r && r.Name == name))
        {
            throw new ArgumentException($"A collaboration document named \"{name}\" is already registered.", nameof(name));
        }

        services.AddSingleton(new NamedCollaborationRegistration(name, registration));
        services.TryAddSingleton<CollaborationSessions>();
        return services;
    }
}
