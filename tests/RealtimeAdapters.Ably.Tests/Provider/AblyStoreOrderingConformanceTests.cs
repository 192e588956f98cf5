using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreOrderingConformanceTests(AblyFixture fixture) : StoreOrderingConformanceTests<AblyFixture>(fixture);
