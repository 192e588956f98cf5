using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreBasicsConformanceTests(AblyFixture fixture) : StoreBasicsConformanceTests<AblyFixture>(fixture);
