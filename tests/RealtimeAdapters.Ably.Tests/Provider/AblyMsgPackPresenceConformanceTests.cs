using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyMsgPackPresenceConformanceTests(AblyMsgPackFixture fixture) : PresenceConformanceTests<AblyMsgPackFixture>(fixture);
