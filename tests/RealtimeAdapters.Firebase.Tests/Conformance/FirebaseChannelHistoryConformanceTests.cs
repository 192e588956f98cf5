using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseChannelHistoryConformanceTests(FirebaseFixture fixture) : ChannelHistoryConformanceTests<FirebaseFixture>(fixture);
