using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStorePriorityConformanceTests(FirebaseRestFixture fixture) : StorePriorityConformanceTests<FirebaseRestFixture>(fixture);
