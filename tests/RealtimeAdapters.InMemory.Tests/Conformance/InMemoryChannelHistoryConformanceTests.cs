using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryChannelHistoryConformanceTests(InMemoryFixture fixture) : ChannelHistoryConformanceTests<InMemoryFixture>(fixture);
