using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyMsgPackConnectionConformanceTests(AblyMsgPackFixture fixture) : ConnectionConformanceTests<AblyMsgPackFixture>(fixture);
