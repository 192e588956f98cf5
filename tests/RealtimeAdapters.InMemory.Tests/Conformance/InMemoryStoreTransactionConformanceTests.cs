using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreTransactionConformanceTests(InMemoryFixture fixture) : StoreTransactionConformanceTests<InMemoryFixture>(fixture);
