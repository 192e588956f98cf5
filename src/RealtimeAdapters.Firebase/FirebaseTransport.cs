namespace RealtimeAdapters.Firebase;

/// <summary>How a <see cref="FirebaseRealtimeStore"/> talks to the database.</summary>
public enum FirebaseTransport
{
    /// <summary>
    /// One WebSocket for everything (<c>/.ws</c>, the protocol of the official SDKs): every watch and write multiplexed,
    /// writes pipelined in order, on-disconnect writes, the server's clock offset. The default.
    /// </summary>
    Realtime,

    /// <summary>
    /// REST requests for writes and reads, one Server-Sent-Events stream per watch: for networks that block WebSockets.
    /// No on-disconnect writes (the database cannot tell when such a client goes away).
    /// </summary>
    RestStreaming,
}
