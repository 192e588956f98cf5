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

    /// <summary>
    /// It was made before the document's horizon (<see cref="CollaborativeDocumentOptions.TombstoneRetention"/>): removals
    /// older than that may have been purged, so applying it could bring back a removed element.
    /// </summary>
    Stale,
}
