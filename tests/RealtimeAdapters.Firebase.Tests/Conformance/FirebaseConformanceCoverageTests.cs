using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseConformanceCoverageTests
{
    [Fact]
    public void ConformanceSuites_AreAllBoundForFirebase() =>
        ConformanceSuites.AssertAllSuitesImplemented(typeof(FirebaseConformanceCoverageTests).Assembly, typeof(FirebaseFixture));
}
