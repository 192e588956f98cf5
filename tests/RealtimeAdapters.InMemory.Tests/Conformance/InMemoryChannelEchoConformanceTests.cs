using RealtimeAdapters.Testing;

namespace RealtimeAdapters.InMemory.Tests.Conformance;

public sealed class InMemoryChannelEchoConformanceTests(InMemoryFixture fixture) : ChannelEchoConformanceTests<InMemoryFixture>(fixture);
