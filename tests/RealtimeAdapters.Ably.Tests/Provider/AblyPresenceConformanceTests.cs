using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyPresenceConformanceTests(AblyFixture fixture) : PresenceConformanceTests<AblyFixture>(fixture);
