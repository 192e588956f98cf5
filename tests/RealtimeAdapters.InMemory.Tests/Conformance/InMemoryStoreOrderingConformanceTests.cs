using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreOrderingConformanceTests(InMemoryFixture fixture) : StoreOrderingConformanceTests<InMemoryFixture>(fixture);
