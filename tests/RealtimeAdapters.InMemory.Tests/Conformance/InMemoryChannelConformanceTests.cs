using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryChannelConformanceTests(InMemoryFixture fixture) : ChannelConformanceTests<InMemoryFixture>(fixture);
