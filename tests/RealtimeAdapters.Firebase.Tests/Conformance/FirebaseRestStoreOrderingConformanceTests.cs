using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreOrderingConformanceTests(FirebaseRestFixture fixture) : StoreOrderingConformanceTests<FirebaseRestFixture>(fixture);
