namespace RealtimeAdapters.Webhooks;

/// <summary>The outcome of checking a delivery's signature.</summary>
public enum WebhookVerification
{
    /// <summary>Signed with the secret and fresh: process it.</summary>
    Valid,

    /// <summary>A signature header is missing.</summary>
    Unsigned,

    /// <summary>A header cannot be read (e.g. the timestamp is not a number).</summary>
    Malformed,

    /// <summary>No signature matches the secret and the body: forged, tampered with, or another secret.</summary>
    BadSignature,

    /// <summary>Correctly signed, but the timestamp is outside the tolerance: a replay (or a badly skewed clock).</summary>
    Stale,
}
