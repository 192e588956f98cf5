using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseChannelEchoConformanceTests(FirebaseFixture fixture) : ChannelEchoConformanceTests<FirebaseFixture>(fixture);
