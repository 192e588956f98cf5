using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreOnDisconnectConformanceTests(FirebaseFixture fixture) : StoreOnDisconnectConformanceTests<FirebaseFixture>(fixture);
