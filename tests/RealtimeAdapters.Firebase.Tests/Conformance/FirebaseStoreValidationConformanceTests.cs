using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseStoreValidationConformanceTests(FirebaseFixture fixture) : StoreValidationConformanceTests<FirebaseFixture>(fixture);
