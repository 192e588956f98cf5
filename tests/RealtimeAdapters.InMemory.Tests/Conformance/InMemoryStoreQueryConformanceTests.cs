using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreQueryConformanceTests(InMemoryFixture fixture) : StoreQueryConformanceTests<InMemoryFixture>(fixture);
