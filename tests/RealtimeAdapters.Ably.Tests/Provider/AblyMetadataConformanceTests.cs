using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Ably.Tests.Provider;

public sealed class AblyMetadataConformanceTests(AblyFixture fixture) : MetadataConformanceTests<AblyFixture>(fixture);
