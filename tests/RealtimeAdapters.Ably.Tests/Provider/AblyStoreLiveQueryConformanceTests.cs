using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyStoreLiveQueryConformanceTests(AblyFixture fixture) : StoreLiveQueryConformanceTests<AblyFixture>(fixture);
