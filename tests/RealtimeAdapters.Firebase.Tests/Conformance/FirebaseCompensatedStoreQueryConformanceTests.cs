using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStoreQueryConformanceTests(FirebaseCompensatedFixture fixture) : StoreQueryConformanceTests<FirebaseCompensatedFixture>(fixture);
