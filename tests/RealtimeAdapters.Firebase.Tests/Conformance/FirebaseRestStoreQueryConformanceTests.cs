using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreQueryConformanceTests(FirebaseRestFixture fixture) : StoreQueryConformanceTests<FirebaseRestFixture>(fixture);
