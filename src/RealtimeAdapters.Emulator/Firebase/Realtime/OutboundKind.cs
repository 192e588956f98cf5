namespace RealtimeAdapters.Emulator.Firebase.Realtime;

/// <summary>What an <see cref="OutboundItem"/> asks the sender to do.</summary>
internal enum OutboundKind
{
    /// <summary>Send a ready message.</summary>
    Message,

    /// <summary>Send a plain listen its initial value (unless the client's hash shows it has it).</summary>
    Initial,

    /// <summary>Send a plain listen a write.</summary>
    Write,

    /// <summary>Send a tagged listen a batch of its window.</summary>
    Window,

    /// <summary>Check that the rules still allow every listen; revoke those they do not.</summary>
    Recheck,

    /// <summary>The credential expired: revoke it (if it is still the connection's).</summary>
    CredentialExpired,

    /// <summary>Close the socket after everything queued before (held messages go first).</summary>
    Close,

    /// <summary>Benchmark hook: from here on, encode messages but keep them instead of sending them.</summary>
    Hold,

    /// <summary>Benchmark hook: send the kept messages, in order, then send as usual again.</summary>
    Release,

    /// <summary>Benchmark hook: report that everything queued before is sent or kept (encoded).</summary>
    Reached,
}
