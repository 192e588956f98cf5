using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestChannelHistoryConformanceTests(FirebaseRestFixture fixture) : ChannelHistoryConformanceTests<FirebaseRestFixture>(fixture);
