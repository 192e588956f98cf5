using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreBasicsConformanceTests(FirebaseRestFixture fixture) : StoreBasicsConformanceTests<FirebaseRestFixture>(fixture);
