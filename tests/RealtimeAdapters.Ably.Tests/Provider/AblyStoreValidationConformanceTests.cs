using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreValidationConformanceTests(AblyFixture fixture) : StoreValidationConformanceTests<AblyFixture>(fixture);
