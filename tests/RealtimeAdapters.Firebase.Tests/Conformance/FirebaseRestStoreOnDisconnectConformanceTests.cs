using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreOnDisconnectConformanceTests(FirebaseRestFixture fixture) : StoreOnDisconnectConformanceTests<FirebaseRestFixture>(fixture);
