using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreServerValueConformanceTests(FirebaseFixture fixture) : StoreServerValueConformanceTests<FirebaseFixture>(fixture);
