using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyChannelEchoConformanceTests(AblyFixture fixture) : ChannelEchoConformanceTests<AblyFixture>(fixture);
