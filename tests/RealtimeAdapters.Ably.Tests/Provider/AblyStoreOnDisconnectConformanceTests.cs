using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreOnDisconnectConformanceTests(AblyFixture fixture) : StoreOnDisconnectConformanceTests<AblyFixture>(fixture);
