using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStoreOrderingConformanceTests(FirebaseCompensatedFixture fixture) : StoreOrderingConformanceTests<FirebaseCompensatedFixture>(fixture);
