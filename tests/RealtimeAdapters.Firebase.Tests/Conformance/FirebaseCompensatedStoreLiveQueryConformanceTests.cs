using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStoreLiveQueryConformanceTests(FirebaseCompensatedFixture fixture) : StoreLiveQueryConformanceTests<FirebaseCompensatedFixture>(fixture);
