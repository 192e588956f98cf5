using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryPresenceConformanceTests(InMemoryFixture fixture) : PresenceConformanceTests<InMemoryFixture>(fixture);
