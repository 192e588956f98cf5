using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreOnDisconnectConformanceTests(InMemoryFixture fixture) : StoreOnDisconnectConformanceTests<InMemoryFixture>(fixture);
