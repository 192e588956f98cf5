using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStorePriorityConformanceTests(FirebaseFixture fixture) : StorePriorityConformanceTests<FirebaseFixture>(fixture);
