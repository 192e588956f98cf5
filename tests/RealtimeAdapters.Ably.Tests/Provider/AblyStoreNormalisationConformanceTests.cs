using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreNormalisationConformanceTests(AblyFixture fixture) : StoreNormalisationConformanceTests<AblyFixture>(fixture);
