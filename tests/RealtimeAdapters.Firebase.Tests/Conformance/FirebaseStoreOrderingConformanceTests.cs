using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreOrderingConformanceTests(FirebaseFixture fixture) : StoreOrderingConformanceTests<FirebaseFixture>(fixture);
