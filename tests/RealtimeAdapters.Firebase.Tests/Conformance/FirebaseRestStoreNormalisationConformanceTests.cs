using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestStoreNormalisationConformanceTests(FirebaseRestFixture fixture) : StoreNormalisationConformanceTests<FirebaseRestFixture>(fixture);
