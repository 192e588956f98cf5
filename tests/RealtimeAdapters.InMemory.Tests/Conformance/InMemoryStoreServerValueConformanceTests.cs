using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreServerValueConformanceTests(InMemoryFixture fixture) : StoreServerValueConformanceTests<InMemoryFixture>(fixture);
