using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreBasicsConformanceTests(InMemoryFixture fixture) : StoreBasicsConformanceTests<InMemoryFixture>(fixture);
