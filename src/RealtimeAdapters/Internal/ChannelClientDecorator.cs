namespace RealtimeAdapters.Internal;

/// <summary>A decorator added with <see cref="RealtimeBuilder.UseChannelClient"/>, registered as a singleton so that order is kept.</summary>
internal sealed class ChannelClientDecorator(Func<IChannelClient, IServiceProvider, IChannelClient> decorate)
{
    public Func<IChannelClient, IServiceProvider, IChannelClient> Decorate { get; } = decorate;
}
