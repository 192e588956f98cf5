using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryMetadataConformanceTests(InMemoryFixture fixture) : MetadataConformanceTests<InMemoryFixture>(fixture);
