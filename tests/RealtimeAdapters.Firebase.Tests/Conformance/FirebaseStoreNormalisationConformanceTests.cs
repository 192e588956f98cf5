using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreNormalisationConformanceTests(FirebaseFixture fixture) : StoreNormalisationConformanceTests<FirebaseFixture>(fixture);
