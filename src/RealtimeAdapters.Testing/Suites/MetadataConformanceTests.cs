using System.Text;
using Xunit;

namespace RealtimeAdapters.Testing;

/// <summary>
/// The provider reports exactly what it supports: its metadata matches what its test project claims, and the claims are
/// consistent. The capability suites then check each claim both ways.
/// </summary>
/// <typeparam name="TFixture">The provider's fixture.</typeparam>
/// <param name="fixture">The provider's fixture.</param>
[ConformanceSuite(RealtimeCapabilities.None)]
public abstract class MetadataConformanceTests<TFixture>(TFixture fixture) : ConformanceSuiteBase<TFixture>(fixture)
    where TFixture : RealtimeProviderFixture
{
    /// <summary>The claimed capabilities are consistent: every sub-capability comes with the store or channels it builds on, and each side claims only its own family.</summary>
    [Fact]
    public void ExpectedCapabilities_AreConsistent()
    {
        var store = Fixture.ExpectedStoreCapabilities;
        var channels = Fixture.ExpectedChannelCapabilities;
        Assert.True((store & ~StoreFamily) == 0, $"Store capabilities may only hold store flags; got {store}.");
        Assert.True((channels & ~ChannelFamily) == 0, $"Channel capabilities may only hold channel flags; got {channels}.");
        Assert.True(store == RealtimeCapabilities.None || store.HasFlag(RealtimeCapabilities.Store), $"{store} needs Store.");
        Assert.True(channels == RealtimeCapabilities.None || channels.HasFlag(RealtimeCapabilities.Channels), $"{channels} needs Channels.");
        Assert.True(store != RealtimeCapabilities.None || channels != RealtimeCapabilities.None, "A provider must offer a store or channels.");
        Assert.False(string.IsNullOrWhiteSpace(Fixture.ProviderName));
    }

    /// <summary>A store reports the provider's name and exactly the claimed store capabilities.</summary>
    [Fact]
    public async Task StoreMetadata_MatchesClaimedCapabilities()
    {
        RequireStore(RealtimeCapabilities.Store);
        var store = await NewStoreAsync();
        Assert.Equal(Fixture.ProviderName, store.Metadata.ProviderName);
        Assert.Equal(Fixture.ExpectedStoreCapabilities, store.Metadata.Capabilities);
        foreach (var flag in Enum.GetValues<RealtimeCapabilities>().Where(static f => f != RealtimeCapabilities.None))
        {
            Assert.Equal(Fixture.ClaimsStore(flag), store.Metadata.Supports(flag));
        }
    }

    /// <summary>A provider that claims no store either refuses to create one or creates one that reports no store capability.</summary>
    [Fact]
    public async Task StoreMetadata_WhenNoStoreClaimed_ReportsNone()
    {
        Assert.SkipWhen(Fixture.ClaimsStore(RealtimeCapabilities.Store), $"{Fixture.ProviderName} claims a store.");
        var backend = await NewBackendAsync();
        IRealtimeStore store;
        try
        {
            store = await backend.CreateStoreAsync(Ct);
        }
        catch (RealtimeNotSupportedException)
        {
            return;
        }

        Assert.Equal(RealtimeCapabilities.None, store.Metadata.Capabilities & StoreFamily);
    }

    /// <summary>A channel client reports the provider's name and exactly the claimed channel capabilities.</summary>
    [Fact]
    public async Task ChannelMetadata_MatchesClaimedCapabilities()
    {
        RequireChannels(RealtimeCapabilities.Channels);
        var backend = await NewBackendAsync();
        var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        Assert.Equal(Fixture.ProviderName, client.Metadata.ProviderName);
        Assert.Equal(Fixture.ExpectedChannelCapabilities, client.Metadata.Capabilities);
        foreach (var flag in Enum.GetValues<RealtimeCapabilities>().Where(static f => f != RealtimeCapabilities.None))
        {
            Assert.Equal(Fixture.ClaimsChannels(flag), client.Metadata.Supports(flag));
        }
    }

    /// <summary>A provider that claims no channels either refuses to create a client or creates one that reports no channel capability.</summary>
    [Fact]
    public async Task ChannelMetadata_WhenNoChannelsClaimed_ReportsNone()
    {
        Assert.SkipWhen(Fixture.ClaimsChannels(RealtimeCapabilities.Channels), $"{Fixture.ProviderName} claims channels.");
        var backend = await NewBackendAsync();
        IChannelClient client;
        try
        {
            client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
        }
        catch (RealtimeNotSupportedException)
        {
            return;
        }

        Assert.Equal(RealtimeCapabilities.None, client.Metadata.Capabilities & ChannelFamily);
    }

    /// <summary>The escape hatch answers <see langword="null"/> for a type the provider does not know.</summary>
    [Fact]
    public async Task GetService_UnknownType_ReturnsNull()
    {
        Assert.SkipUnless(
            Fixture.ClaimsStore(RealtimeCapabilities.Store) || Fixture.ClaimsChannels(RealtimeCapabilities.Channels),
            "The provider offers neither a store nor channels.");
        var backend = await NewBackendAsync();
        if (Fixture.ClaimsStore(RealtimeCapabilities.Store))
        {
            var store = await backend.CreateStoreAsync(Ct);
            Assert.Null(store.GetService(typeof(StringBuilder)));
        }

        if (Fixture.ClaimsChannels(RealtimeCapabilities.Channels))
        {
            var client = await backend.CreateChannelClientAsync(cancellationToken: Ct);
            Assert.Null(client.GetService(typeof(StringBuilder)));
        }
    }

    /// <summary>Each backend starts empty and is isolated from every other backend.</summary>
    [Fact]
    public async Task CreateBackendAsync_EachBackend_IsEmptyAndIsolated()
    {
        RequireStore(RealtimeCapabilities.Store);
        var first = await (await NewBackendAsync()).CreateStoreAsync(Ct);
        await first.SetAsync("isolation/probe", "first", Ct);
        var second = await (await NewBackendAsync()).CreateStoreAsync(Ct);
        Assert.False((await second.GetAsync(RealtimePath.Root, Ct)).Exists, "A new backend must start with an empty database.");
        await second.SetAsync("isolation/probe", "second", Ct);
        AssertNode("\"first\"", (await first.GetAsync("isolation/probe", Ct)).Node);
    }
}
