using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyConformanceCoverageTests
{
    [Fact]
    public void ConformanceSuites_AreAllBoundForAbly() =>
        ConformanceSuites.AssertAllSuitesImplemented(typeof(AblyConformanceCoverageTests).Assembly, typeof(AblyFixture));
}
