using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreNormalisationConformanceTests(InMemoryFixture fixture) : StoreNormalisationConformanceTests<InMemoryFixture>(fixture);
