namespace RealtimeAdapters.Collaboration;

/// <summary>Why an operation or a snapshot from another replica was refused.</summary>
public enum RejectionReason
{
    /// <summary>Not valid JSON, a missing or mistyped field, or a cell that the object's type does not have.</summary>
    Malformed,

    /// <summary>Written in a newer format version than this library reads.</summary>
    UnsupportedVersion,

    /// <summary>It names an author (or a replica) other than the sender the backend identified.</summary>
    Forged,

    /// <summary>Its timestamp is further in the future than <see cref="CollaborativeDocumentOptions.MaxClockDrift"/> allows.</summary>
    ClockDrift,

    /// <summary>It addresses an object of another type than the document holds under that name.</summary>
    KindMismatch,
}
