namespace RealtimeAdapters.Ably.Realtime;

/// <summary>How a transport session ended, which decides the connection's next state.</summary>
internal enum SessionEndKind
{
    /// <summary>Recoverable loss: disconnected, then a resume.</summary>
    Lost,

    /// <summary>A token error (4014x): renew the token, then resume.</summary>
    TokenError,

    /// <summary>A connection ERROR: failed, no retry.</summary>
    Fatal,

    /// <summary>Closed at the caller's request.</summary>
    Closed,
}
