namespace RealtimeAdapters.Collaboration;

/// <summary>Where a change came from.</summary>
public enum ChangeOrigin
{
    /// <summary>An edit made through this document (including edits restored from the offline queue after a restart).</summary>
    Local,

    /// <summary>Edits or a snapshot from another replica.</summary>
    Remote,
}
