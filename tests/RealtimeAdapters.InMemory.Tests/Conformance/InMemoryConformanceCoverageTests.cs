using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryConformanceCoverageTests
{
    [Fact]
    public void ConformanceSuites_AreAllBoundForInMemory() =>
        ConformanceSuites.AssertAllSuitesImplemented(typeof(InMemoryConformanceCoverageTests).Assembly, typeof(InMemoryFixture));

    [Fact]
    public void FindMissingSuites_AssemblyWithoutBindings_ListsEverySuite() =>
        Assert.Equal(ConformanceSuites.All, ConformanceSuites.FindMissingSuites(typeof(ConformanceSuites).Assembly, typeof(InMemoryFixture)));
}
