using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseRestChannelConformanceTests(FirebaseRestFixture fixture) : ChannelConformanceTests<FirebaseRestFixture>(fixture);
