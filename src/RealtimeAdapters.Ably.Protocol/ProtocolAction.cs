namespace RealtimeAdapters.Ably.Protocol;

/// <summary>The action of a realtime ProtocolMessage (TR2). Values not listed here are kept as their number.</summary>
public enum ProtocolAction
{
    /// <summary>A ping or its answer, in either direction.</summary>
    Heartbeat = 0,
    /// <summary>The server acknowledges published messages (RTN7).</summary>
    Ack = 1,
    /// <summary>The server refuses published messages, with an error (RTN7).</summary>
    Nack = 2,
    /// <summary>Unused.</summary>
    Connect = 3,
    /// <summary>The connection is open; carries <see cref="ProtocolMessage.ConnectionDetails"/>.</summary>
    Connected = 4,
    /// <summary>Unused.</summary>
    Disconnect = 5,
    /// <summary>The server is dropping the connection (recoverable).</summary>
    Disconnected = 6,
    /// <summary>The client closes the connection.</summary>
    Close = 7,
    /// <summary>The server confirms the close.</summary>
    Closed = 8,
    /// <summary>An error: fatal for the connection without <see cref="ProtocolMessage.Channel"/>, else for that channel.</summary>
    Error = 9,
    /// <summary>The client attaches to a channel.</summary>
    Attach = 10,
    /// <summary>The channel is attached (or re-attached with an error).</summary>
    Attached = 11,
    /// <summary>The client detaches from a channel.</summary>
    Detach = 12,
    /// <summary>The channel is detached.</summary>
    Detached = 13,
    /// <summary>Presence messages, in either direction.</summary>
    Presence = 14,
    /// <summary>Messages, in either direction.</summary>
    Message = 15,
    /// <summary>A page of the channel's presence set.</summary>
    Sync = 16,
    /// <summary>A new token from the client, or a request for one from the server.</summary>
    Auth = 17,
    /// <summary>Deprecated (push).</summary>
    Activate = 18,
    /// <summary>LiveObjects operations, in either direction.</summary>
    Object = 19,
    /// <summary>A page of the channel's objects.</summary>
    ObjectSync = 20,
    /// <summary>Message annotations.</summary>
    Annotation = 21,
}
