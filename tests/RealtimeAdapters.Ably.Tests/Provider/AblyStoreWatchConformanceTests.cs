using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreWatchConformanceTests(AblyFixture fixture) : StoreWatchConformanceTests<AblyFixture>(fixture);
