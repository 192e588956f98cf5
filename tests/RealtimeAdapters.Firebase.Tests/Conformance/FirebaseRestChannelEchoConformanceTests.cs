using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestChannelEchoConformanceTests(FirebaseRestFixture fixture) : ChannelEchoConformanceTests<FirebaseRestFixture>(fixture);
