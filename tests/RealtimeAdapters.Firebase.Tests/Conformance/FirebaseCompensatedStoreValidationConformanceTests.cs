using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseCompensatedStoreValidationConformanceTests(FirebaseCompensatedFixture fixture) : StoreValidationConformanceTests<FirebaseCompensatedFixture>(fixture);
