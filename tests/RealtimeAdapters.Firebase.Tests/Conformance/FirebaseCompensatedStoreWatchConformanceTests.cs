using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStoreWatchConformanceTests(FirebaseCompensatedFixture fixture) : StoreWatchConformanceTests<FirebaseCompensatedFixture>(fixture);
