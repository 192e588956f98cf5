using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Internal;

/// <summary>
/// Which options registrations belong to which store or channel-client registration, so that replacing a registration
/// (another provider under the same key) also removes the replaced provider's options configuration, validators and
/// start-up validation, which would otherwise still run when the host starts. Kept in the service collection as a
/// singleton instance, so that every <see cref="RealtimeBuilder"/> over one collection shares it.
/// </summary>
internal sealed class ProviderRegistrations
{
    private readonly Dictionary<KeyHolder, List<ServiceDescriptor>> _pending = [];
    private readonly Dictionary<(Type Service, KeyHolder Key), List<ServiceDescriptor>> _owned = [];

    public static ProviderRegistrations Get(IServiceCollection services)
    {
        foreach (var d in services)
        {
            if (d.ServiceType == typeof(ProviderRegistrations) && d.ImplementationInstance is ProviderRegistrations existing)
            {
                return existing;
            }
        }

        var created = new ProviderRegistrations();
        services.AddSingleton(created);
        return created;
    }

    /// <summary>
    /// Records the options services added to <paramref name="services"/> from index <paramref name="from"/> on, for the
    /// next store or channel client registered under <paramref name="serviceKey"/>. Shared infrastructure added with
    /// TryAdd (open generic options services, the start-up validator) is not the provider's and is left alone.
    /// </summary>
    public void RecordOptions(IServiceCollection services, int from, object? serviceKey)
    {
        var key = new KeyHolder(serviceKey);
        if (!_pending.TryGetValue(key, out var list))
        {
            _pending[key] = list = [];
        }

        for (var i = from; i < services.Count; i++)
        {
            var type = services[i].ServiceType;
            if (type.IsConstructedGenericType && IsPerOptions(type.GetGenericTypeDefinition()))
            {
                list.Add(services[i]);
            }
        }
    }

    /// <summary>
    /// A <typeparamref name="TService"/> is being registered under <paramref name="serviceKey"/>: the options of the
    /// registration it replaces are removed, and the options recorded since become this registration's.
    /// </summary>
    public void Claim<TService>(IServiceCollection services, object? serviceKey)
    {
        var key = new KeyHolder(serviceKey);
        if (_owned.Remove((typeof(TService), key), out var replaced))
        {
            foreach (var descriptor in replaced)
            {
                services.Remove(descriptor);
            }
        }

        if (_pending.Remove(key, out var claimed))
        {
            _owned[(typeof(TService), key)] = claimed;
        }
    }

    private static bool IsPerOptions(Type definition) =>
        definition == typeof(IConfigureOptions<>) ||
        definition == typeof(IPostConfigureOptions<>) ||
        definition == typeof(IValidateOptions<>) ||
        definition == typeof(IOptionsChangeTokenSource<>);

    // Dictionary keys cannot be null; the unkeyed registration is a key too.
    private readonly record struct KeyHolder(object? Key);
}
