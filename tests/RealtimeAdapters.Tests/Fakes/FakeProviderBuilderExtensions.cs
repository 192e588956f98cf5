using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RealtimeAdapters.Tests.Fakes;

/// <summary>Registers the fake provider the way a provider package would, through the builder's public hooks.</summary>
internal static class FakeProviderBuilderExtensions
{
    public const string Section = "Fake";

    public static RealtimeBuilder AddKeyedFakeStore(this RealtimeBuilder builder, object? serviceKey, Action<FakeProviderOptions>? configure = null)
    {
        builder.AddProviderOptions(serviceKey, Section, configure: configure);
        var name = RealtimeBuilder.GetOptionsName(serviceKey);
        return builder.AddKeyedStore(serviceKey, sp =>
        {
            _ = sp.GetRequiredService<IOptionsMonitor<FakeProviderOptions>>().Get(name);
            return new FakeProviderStore();
        });
    }

    public static RealtimeBuilder AddKeyedFakeChannels(this RealtimeBuilder builder, object? serviceKey) =>
        builder.AddKeyedChannelClient(serviceKey, _ => new FakeProviderChannelClient());
}
