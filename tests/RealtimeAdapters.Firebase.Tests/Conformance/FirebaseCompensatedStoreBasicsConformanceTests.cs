using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStoreBasicsConformanceTests(FirebaseCompensatedFixture fixture) : StoreBasicsConformanceTests<FirebaseCompensatedFixture>(fixture);
