using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreLiveQueryConformanceTests(FirebaseRestFixture fixture) : StoreLiveQueryConformanceTests<FirebaseRestFixture>(fixture);
