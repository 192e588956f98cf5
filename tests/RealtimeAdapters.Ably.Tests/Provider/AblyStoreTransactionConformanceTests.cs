using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreTransactionConformanceTests(AblyFixture fixture) : StoreTransactionConformanceTests<AblyFixture>(fixture);
