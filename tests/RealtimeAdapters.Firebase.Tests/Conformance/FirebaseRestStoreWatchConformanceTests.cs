using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreWatchConformanceTests(FirebaseRestFixture fixture) : StoreWatchConformanceTests<FirebaseRestFixture>(fixture);
