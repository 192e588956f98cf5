namespace RealtimeAdapters.Collaboration;

/// <summary>Something a session received was refused, or its background work failed; replication goes on.</summary>
public sealed class CollaborationErrorEventArgs : EventArgs
{
    /// <summary>Creates the event arguments.</summary>
    /// <param name="error">The error.</param>
    public CollaborationErrorEventArgs(Exception error) => Error = error;

    /// <summary>The error: an <see cref="OperationRejectedException"/> for a refused operation or snapshot.</summary>
    public Exception Error { get; }
}
