using RealtimeAdapters.Ably;
using Microsoft.Extensions.Configuration;
using SampleBackends;

namespace RealtimeAdapters.Samples.Tests.Logic;

public sealed class BackendsTests
{
    private static async Task<Backends> StartAsync(params (string Key, string Value)[] settings) =>
        await Backends.StartAsync(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build(),
            TestContext.Current.CancellationToken);

    [Fact]
    public async Task Select_UseCaseSetting_WinsOverTheGlobalOneWhichWinsOverTheDefault()
    {
        await using var backends = await StartAsync(("Realtime:Emulator", "false"), ("Realtime:Backend", "in-memory"), ("Realtime:Chat:Backend", "Ably"));

        Assert.Equal(BackendKind.Ably, backends.Select("Chat", BackendKind.Firebase));
        Assert.Equal(BackendKind.InMemory, backends.Select("TodoList", BackendKind.Firebase));
        Assert.Null(backends.Emulator);
    }

    [Fact]
    public void Parse_UnknownBackend_NamesTheSettingNotTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => Backends.Parse("redis", "Realtime:Chat:Backend"));

        Assert.Contains("Realtime:Chat:Backend", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("redis", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommandLine_BackendAndEmulatorSwitches_MapToTheRealtimeSection()
    {
        var configuration = Backends.LoadConfiguration(["--backend", "firebase", "--emulator", "false"]);

        Assert.Equal("firebase", configuration["Realtime:Backend"]);
        Assert.Equal("false", configuration["Realtime:Emulator"]);
    }

    [Fact]
    public async Task NotOffered_EveryBackend_OffersBothContracts()
    {
        await using var backends = await StartAsync();

        foreach (var kind in new[] { BackendKind.InMemory, BackendKind.Firebase, BackendKind.Ably })
        {
            Assert.Null(Backends.ChannelsNotOffered(kind));
            Assert.Null(Backends.StoreNotOffered(kind));
        }

        // The store on Ably is the JSON tree over LiveObjects, on the emulator here.
        await using var store = backends.CreateStore(BackendKind.Ably);
        Assert.IsType<AblyRealtimeStore>(store);
        await store.SetAsync("lists/groceries/milk", true, TestContext.Current.CancellationToken);
        Assert.True((await store.GetAsync("lists/groceries/milk", TestContext.Current.CancellationToken)).Node.GetBoolean());
    }

    [Fact]
    public async Task CreateStore_OnTheEmulator_UsesTheSamplesNamespace()
    {
        await using var backends = await StartAsync();
        await using var store = backends.CreateStore(BackendKind.Firebase);

        await store.SetAsync("probe", "here", TestContext.Current.CancellationToken);

        Assert.Equal("here", backends.Emulator!.GetFirebaseDatabase(Backends.EmulatorNamespace).Get("probe").Node.GetString());
        Assert.Contains("emulator", backends.Describe(BackendKind.Firebase), StringComparison.Ordinal);
    }
}
