using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreLiveQueryConformanceTests(FirebaseFixture fixture) : StoreLiveQueryConformanceTests<FirebaseFixture>(fixture);
