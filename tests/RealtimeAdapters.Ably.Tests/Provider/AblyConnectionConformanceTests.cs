using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyConnectionConformanceTests(AblyFixture fixture) : ConnectionConformanceTests<AblyFixture>(fixture);
