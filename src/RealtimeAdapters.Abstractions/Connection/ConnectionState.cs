namespace RealtimeAdapters;

/// <summary>The state of a provider's connection to its backend (the same model for every provider).</summary>
public enum ConnectionState
{
    /// <summary>Created, not yet connecting.</summary>
    Initialized,

    /// <summary>Opening a connection.</summary>
    Connecting,

    /// <summary>Connected; operations reach the backend.</summary>
    Connected,

    /// <summary>Temporarily disconnected; a retry is scheduled (see <see cref="ConnectionStateChange.RetryAt"/>).</summary>
    Disconnected,

    /// <summary>Disconnected for long enough that continuity is lost; retrying less often.</summary>
    Suspended,

    /// <summary>Closing at the caller's request.</summary>
    Closing,

    /// <summary>Closed at the caller's request; no retries.</summary>
    Closed,

    /// <summary>Failed permanently (e.g. credentials refused); no retries.</summary>
    Failed,
}
