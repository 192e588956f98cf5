using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreWatchConformanceTests(FirebaseFixture fixture) : StoreWatchConformanceTests<FirebaseFixture>(fixture);
