using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyChannelHistoryConformanceTests(AblyFixture fixture) : ChannelHistoryConformanceTests<AblyFixture>(fixture);
