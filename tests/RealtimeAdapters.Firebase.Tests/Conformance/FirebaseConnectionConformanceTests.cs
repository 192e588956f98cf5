using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseConnectionConformanceTests(FirebaseFixture fixture) : ConnectionConformanceTests<FirebaseFixture>(fixture);
