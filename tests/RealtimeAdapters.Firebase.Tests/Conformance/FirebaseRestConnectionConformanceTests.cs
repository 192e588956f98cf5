using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestConnectionConformanceTests(FirebaseRestFixture fixture) : ConnectionConformanceTests<FirebaseRestFixture>(fixture);
