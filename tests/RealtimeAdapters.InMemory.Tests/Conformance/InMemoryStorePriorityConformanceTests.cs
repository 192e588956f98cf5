using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStorePriorityConformanceTests(InMemoryFixture fixture) : StorePriorityConformanceTests<InMemoryFixture>(fixture);
