namespace RealtimeAdapters.Internal;

/// <summary>A decorator added with <see cref="RealtimeBuilder.UseStore"/>, registered as a singleton so that order is kept.</summary>
internal sealed class StoreDecorator(Func<IRealtimeStore, IServiceProvider, IRealtimeStore> decorate)
{
    public Func<IRealtimeStore, IServiceProvider, IRealtimeStore> Decorate { get; } = decorate;
}
