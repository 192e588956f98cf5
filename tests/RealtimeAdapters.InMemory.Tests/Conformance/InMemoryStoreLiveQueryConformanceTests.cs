using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryStoreLiveQueryConformanceTests(InMemoryFixture fixture) : StoreLiveQueryConformanceTests<InMemoryFixture>(fixture);
