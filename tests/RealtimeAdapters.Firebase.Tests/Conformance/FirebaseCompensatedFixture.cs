namespace RealtimeAdapters.Firebase.Tests.Conformance;

/// <summary>
/// The Firebase binding with latency compensation on, over REST and Server-Sent Events: the store suites must see
/// exactly the same events, since a confirmed write's pending events are never repeated or stepped back.
/// </summary>
public sealed class FirebaseCompensatedFixture : FirebaseFixture
{
    protected override bool LatencyCompensation => true;

    protected override FirebaseTransport Transport => FirebaseTransport.RestStreaming;
}
