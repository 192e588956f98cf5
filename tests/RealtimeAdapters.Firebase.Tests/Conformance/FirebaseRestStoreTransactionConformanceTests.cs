using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreTransactionConformanceTests(FirebaseRestFixture fixture) : StoreTransactionConformanceTests<FirebaseRestFixture>(fixture);
