namespace RealtimeAdapters.Firebase.Tests.Conformance;

/// <summary>The Firebase binding over the fallback transport, REST and Server-Sent Events: the same suites, without on-disconnect writes.</summary>
public sealed class FirebaseRestFixture : FirebaseFixture
{
    protected override FirebaseTransport Transport => FirebaseTransport.RestStreaming;
}
