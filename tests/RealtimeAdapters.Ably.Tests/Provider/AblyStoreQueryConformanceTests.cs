using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreQueryConformanceTests(AblyFixture fixture) : StoreQueryConformanceTests<AblyFixture>(fixture);
