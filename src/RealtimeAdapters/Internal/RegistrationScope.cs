namespace RealtimeAdapters.Internal;

/// <summary>Which registrations a decorator wraps: every one (<see cref="All"/>) or the one under <see cref="Key"/>.</summary>
internal readonly record struct RegistrationScope(bool IsAll, object? Key)
{
    public static RegistrationScope All { get; } = new(true, null);

    public static RegistrationScope For(object? serviceKey) => new(false, serviceKey);

    public bool IsPerRegistration(object? serviceKey) => !IsAll && Equals(Key, serviceKey);
}
