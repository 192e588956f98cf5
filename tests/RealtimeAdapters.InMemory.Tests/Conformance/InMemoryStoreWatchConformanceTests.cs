using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreWatchConformanceTests(InMemoryFixture fixture) : StoreWatchConformanceTests<InMemoryFixture>(fixture);
