namespace RealtimeAdapters.Internal;

/// <summary>
/// A decorator of stores or channel clients, for every registration (<see cref="RealtimeBuilder.UseStore"/>,
/// <see cref="RealtimeBuilder.UseChannelClient"/>) or for one (<see cref="RealtimeRegistrationBuilder{TService}.Use(Func{TService, IServiceProvider, TService})"/>),
/// registered as a singleton so that order is kept.
/// </summary>
internal sealed class RealtimeDecorator<TService>(Func<TService, IServiceProvider, TService> decorate, RegistrationScope scope)
    where TService : class
{
    public Func<TService, IServiceProvider, TService> Decorate { get; } = decorate;

    public RegistrationScope Scope { get; } = scope;
}
