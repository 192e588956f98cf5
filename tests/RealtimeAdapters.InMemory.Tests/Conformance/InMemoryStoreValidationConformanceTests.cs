using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreValidationConformanceTests(InMemoryFixture fixture) : StoreValidationConformanceTests<InMemoryFixture>(fixture);
