using System.Reflection;
using System.Runtime.CompilerServices;
using RealtimeAdapters.Ably.Protocol;
using RealtimeAdapters.Emulator;

namespace RealtimeAdapters.Ably.Tests.Protocol;

/// <summary>
/// The emulator and the Ably client share the wire layer through the public surface of RealtimeAdapters.Ably.Protocol, not
/// through each other's internals: these keep an <c>InternalsVisibleTo</c> from creeping back.
/// </summary>
public sealed class AssemblyBoundaryTests
{
    private static readonly string[] TestAssemblies = ["RealtimeAdapters.Ably.Tests", "RealtimeAdapters.Emulator.Tests", "RealtimeAdapters.Benchmarks"];

    private static List<string> FriendsOf(Assembly assembly) =>
        [.. assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(static a => a.AssemblyName.Split(',')[0].Trim())];

    [Fact]
    public void AblyClient_GrantsNoInternalsToTheEmulator()
    {
        var friends = FriendsOf(typeof(AblyChannelClient).Assembly);

        Assert.DoesNotContain("RealtimeAdapters.Emulator", friends);
        Assert.All(friends, static f => Assert.Contains(f, TestAssemblies));
    }

    [Fact]
    public void ProtocolLayer_GrantsInternalsToTestsAndBenchmarksOnly()
    {
        var friends = FriendsOf(typeof(ProtocolMessage).Assembly);

        Assert.Equal("RealtimeAdapters.Ably.Protocol", typeof(ProtocolMessage).Assembly.GetName().Name);
        Assert.All(friends, static f => Assert.Contains(f, TestAssemblies));
    }

    [Fact]
    public void Emulator_ReferencesTheProtocolLayerAndNotTheAblyClient()
    {
        var references = typeof(RealtimeEmulator).Assembly.GetReferencedAssemblies().Select(static a => a.Name).ToList();

        Assert.Contains("RealtimeAdapters.Ably.Protocol", references);
        Assert.DoesNotContain("RealtimeAdapters.Ably", references);
    }

    [Fact]
    public void AblyClient_ReferencesTheProtocolLayer()
    {
        var references = typeof(AblyChannelClient).Assembly.GetReferencedAssemblies().Select(static a => a.Name).ToList();

        Assert.Contains("RealtimeAdapters.Ably.Protocol", references);
    }
}
