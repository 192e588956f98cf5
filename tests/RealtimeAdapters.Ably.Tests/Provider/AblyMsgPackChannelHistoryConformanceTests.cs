using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyMsgPackChannelHistoryConformanceTests(AblyMsgPackFixture fixture) : ChannelHistoryConformanceTests<AblyMsgPackFixture>(fixture);
