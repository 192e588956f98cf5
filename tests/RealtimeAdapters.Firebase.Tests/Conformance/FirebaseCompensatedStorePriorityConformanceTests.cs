using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStorePriorityConformanceTests(FirebaseCompensatedFixture fixture) : StorePriorityConformanceTests<FirebaseCompensatedFixture>(fixture);
