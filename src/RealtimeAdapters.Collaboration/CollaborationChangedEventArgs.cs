namespace RealtimeAdapters.Collaboration;

/// <summary>An object of a document changed.</summary>
public sealed class CollaborationChangedEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    /// <param name="objectName">The object that changed.</param>
    /// <param name="origin">Whether the change was made here or came from another replica.</param>
    public CollaborationChangedEventArgs(string objectName, ChangeOrigin origin)
    {
        ObjectName = objectName;
        Origin = origin;
    }

    /// <summary>The object that changed.</summary>
    public string ObjectName { get; }

    /// <summary>Whether the change was made here or came from another replica.</summary>
    public ChangeOrigin Origin { get; }
}
