using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreTransactionConformanceTests(FirebaseFixture fixture) : StoreTransactionConformanceTests<FirebaseFixture>(fixture);
