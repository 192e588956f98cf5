using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>
/// One entry of a connection's ordered outbound queue. Engine callbacks run under the database's write lock, so they only
/// queue the write or batch (immutable data); the sender turns it into JSON later, in queue order, which is what keeps
/// every push ahead of the answer to the request that caused it.
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="Message">For <see cref="OutboundKind.Message"/>: the UTF-8 JSON to send.</param>
/// <param name="Listen">The listen a push serves.</param>
/// <param name="Value">For <see cref="OutboundKind.Initial"/>: the value at the listen's path when it was registered.</param>
/// <param name="Write">For <see cref="OutboundKind.Write"/>: the write.</param>
/// <param name="Batch">For <see cref="OutboundKind.Window"/>: the window's change.</param>
/// <param name="Generation">For <see cref="OutboundKind.CredentialExpired"/>: which credential expired.</param>
/// <param name="CloseStatus">For <see cref="OutboundKind.Close"/>: the close code (the reason is in <paramref name="Message"/>).</param>
/// <param name="Released">
/// For <see cref="OutboundKind.Release"/>: completed with how many kept messages were sent; for
/// <see cref="OutboundKind.Reached"/>: with how many are kept.
/// </param>
internal readonly record struct OutboundItem(
    OutboundKind Kind,
    byte[]? Message = null,
    RealtimeListen? Listen = null,
    DataNode? Value = null,
    DatabaseWrite? Write = null,
    QueryWindowBatch Batch = default,
    int Generation = 0,
    System.Net.WebSockets.WebSocketCloseStatus CloseStatus = default,
    TaskCompletionSource<int>? Released = null);
