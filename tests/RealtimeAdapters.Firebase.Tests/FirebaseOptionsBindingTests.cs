using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RealtimeAdapters.Tests.Shared;

namespace RealtimeAdapters.Firebase.Tests;

// The providers bind options through the configuration binding generator (via settings types that leave out the
// objects set in code): every setting must bind as the reflection binder binds it.
public class FirebaseOptionsBindingTests
{
    [Fact]
    public void AddFirebaseStore_BindsEverySetting()
    {
        var values = ConfigurationBindingCheck.ValuesFor(typeof(FirebaseStoreOptions), "Realtime:Firebase");
        Assert.True(values.Count >= 18, $"only {values.Count} settings found");
        using var services = Register(values, b => b.AddFirebaseStore());

        ConfigurationBindingCheck.AssertSameSettings(
            ConfigurationBindingCheck.BoundByReflection<FirebaseStoreOptions>(values, "Realtime:Firebase"),
            ConfigurationBindingCheck.Configured<FirebaseStoreOptions>(services));
    }

    [Fact]
    public void AddFirebaseChannels_BindsEverySetting_DatabaseIncluded()
    {
        var values = ConfigurationBindingCheck.ValuesFor(typeof(FirebaseChannelOptions), "Realtime:Firebase:Channels");
        Assert.Contains("Realtime:Firebase:Channels:Database:DatabaseUrl", values.Keys);
        using var services = Register(values, b => b.AddFirebaseChannels());

        ConfigurationBindingCheck.AssertSameSettings(
            ConfigurationBindingCheck.BoundByReflection<FirebaseChannelOptions>(values, "Realtime:Firebase:Channels"),
            ConfigurationBindingCheck.Configured<FirebaseChannelOptions>(services));
    }

    private static ServiceProvider Register(Dictionary<string, string?> values, Action<RealtimeBuilder> register)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        register(services.AddRealtime());
        return services.BuildServiceProvider();
    }
}
