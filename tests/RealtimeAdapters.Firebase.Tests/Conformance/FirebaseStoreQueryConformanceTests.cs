using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreQueryConformanceTests(FirebaseFixture fixture) : StoreQueryConformanceTests<FirebaseFixture>(fixture);
