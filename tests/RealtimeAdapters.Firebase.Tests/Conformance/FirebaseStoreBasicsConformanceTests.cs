using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreBasicsConformanceTests(FirebaseFixture fixture) : StoreBasicsConformanceTests<FirebaseFixture>(fixture);
