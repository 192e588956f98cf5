using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RealtimeAdapters.Tests.Shared;

namespace RealtimeAdapters.Ably.Tests.Registration;

// The provider binds its options through the configuration binding generator (and reads the init-only TokenParams
// itself): every setting must bind as the reflection binder binds it.
public class AblyOptionsBindingTests
{
    [Fact]
    public void AddAblyChannels_BindsEverySetting_TokenParamsAndCollectionsIncluded()
    {
        var values = ConfigurationBindingCheck.ValuesFor(typeof(AblyChannelClientOptions), "Realtime:Ably");
        Assert.Contains("Realtime:Ably:TokenParams:Ttl", values.Keys);
        Assert.Contains("Realtime:Ably:FallbackEndpoints:0", values.Keys);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddRealtime().AddAblyChannels();
        using var provider = services.BuildServiceProvider();

        ConfigurationBindingCheck.AssertSameSettings(
            ConfigurationBindingCheck.BoundByReflection<AblyChannelClientOptions>(values, "Realtime:Ably"),
            ConfigurationBindingCheck.Configured<AblyChannelClientOptions>(provider));
    }
}
