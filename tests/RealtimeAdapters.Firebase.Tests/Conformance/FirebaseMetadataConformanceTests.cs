using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseMetadataConformanceTests(FirebaseFixture fixture) : MetadataConformanceTests<FirebaseFixture>(fixture);
