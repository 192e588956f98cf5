namespace RealtimeAdapters.Firebase.Tests.Conformance;

/// <summary>The Firebase binding with latency compensation on, over the realtime transport (the default).</summary>
public sealed class FirebaseRealtimeCompensatedFixture : FirebaseFixture
{
    protected override bool LatencyCompensation => true;
}
