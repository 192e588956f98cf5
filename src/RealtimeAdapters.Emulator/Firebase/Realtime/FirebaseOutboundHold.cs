namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// Benchmark hook (internal): the outbound messages of a namespace's realtime connections, kept encoded from the moment
/// the hold was taken (<see cref="RealtimeEmulator.HoldFirebaseOutbound"/>) until <see cref="ReleaseAsync"/>.
/// </summary>
internal sealed class FirebaseOutboundHold(IReadOnlyList<RealtimeSender> senders)
{
    /// <summary>
    /// Completes, with how many messages are kept, once everything queued so far has been encoded and kept: what follows
    /// the hold is then ready to go, and a release only sends.
    /// </summary>
    public async Task<int> EncodedAsync() => (await Task.WhenAll(senders.Select(s => s.Reached())).ConfigureAwait(false)).Sum();

    /// <summary>Sends the kept messages; completes with how many were sent, once they are handed to the sockets.</summary>
    public async Task<int> ReleaseAsync() => (await Task.WhenAll(senders.Select(s => s.Release())).ConfigureAwait(false)).Sum();
}
