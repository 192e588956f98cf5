using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryConnectionConformanceTests(InMemoryFixture fixture) : ConnectionConformanceTests<InMemoryFixture>(fixture);
