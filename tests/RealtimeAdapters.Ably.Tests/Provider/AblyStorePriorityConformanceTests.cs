using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStorePriorityConformanceTests(AblyFixture fixture) : StorePriorityConformanceTests<AblyFixture>(fixture);
