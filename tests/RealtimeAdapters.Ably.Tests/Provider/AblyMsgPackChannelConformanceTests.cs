using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyMsgPackChannelConformanceTests(AblyMsgPackFixture fixture) : ChannelConformanceTests<AblyMsgPackFixture>(fixture);
