using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyChannelConformanceTests(AblyFixture fixture) : ChannelConformanceTests<AblyFixture>(fixture);
