using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreServerValueConformanceTests(FirebaseRestFixture fixture) : StoreServerValueConformanceTests<FirebaseRestFixture>(fixture);
