using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreServerValueConformanceTests(AblyFixture fixture) : StoreServerValueConformanceTests<AblyFixture>(fixture);
