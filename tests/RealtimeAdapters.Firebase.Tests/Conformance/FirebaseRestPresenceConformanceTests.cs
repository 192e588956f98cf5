using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestPresenceConformanceTests(FirebaseRestFixture fixture) : PresenceConformanceTests<FirebaseRestFixture>(fixture);
