using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebasePresenceConformanceTests(FirebaseFixture fixture) : PresenceConformanceTests<FirebaseFixture>(fixture);
