using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyMsgPackChannelEchoConformanceTests(AblyMsgPackFixture fixture) : ChannelEchoConformanceTests<AblyMsgPackFixture>(fixture);
