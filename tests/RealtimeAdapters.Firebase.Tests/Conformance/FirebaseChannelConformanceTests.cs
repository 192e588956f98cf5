using RealtimeAdapters.Testing;

namespace RealtimeAdapters.Firebase.Tests.Conformance;

public sealed class FirebaseChannelConformanceTests(FirebaseFixture fixture) : ChannelConformanceTests<FirebaseFixture>(fixture);
