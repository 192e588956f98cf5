using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreValidationConformanceTests(FirebaseRestFixture fixture) : StoreValidationConformanceTests<FirebaseRestFixture>(fixture);
