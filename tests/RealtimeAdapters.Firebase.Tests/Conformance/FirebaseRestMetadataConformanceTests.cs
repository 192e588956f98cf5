using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestMetadataConformanceTests(FirebaseRestFixture fixture) : MetadataConformanceTests<FirebaseRestFixture>(fixture);
