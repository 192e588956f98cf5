namespace RealtimeAdapters.Collaboration;

/// <summary>Settings of a <see cref="CollaborationSession"/>. Read once, when the session starts.</summary>
public sealed class CollaborationSessionOptions
{
    /// <summary>How edits travel: <see cref="ReplicationTransport.Channel"/> or <see cref="ReplicationTransport.Store"/>. Required.</summary>
    public ReplicationTransport? Transport { get; set; }

    /// <summary>
    /// Where local edits wait until the backend accepts them; a <see cref="SqliteOfflineStore"/> keeps them across a
    /// restart. An <see cref="InMemoryOfflineStore"/> when omitted. The session disposes it.
    /// </summary>
    public IOfflineStore? OfflineStore { get; set; }

    /// <summary>
    /// The document's settings. Over a channel, the client id is the channel client's (a different one here is an error);
    /// the replica id, when omitted, is the one the queue kept, else a new one.
    /// </summary>
    public CollaborativeDocumentOptions Document { get; set; } = new();

    /// <summary>How long to wait before sending again after a send failed (5 seconds by default); an edit or
    /// <see cref="CollaborationSession.FlushAsync"/> tries at once.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long disposing waits for a last send of pending edits (2 seconds by default); what is not sent stays in the queue.</summary>
    public TimeSpan DisposeSendTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is missing or out of range.</exception>
    public void Validate()
    {
        if (Transport is null)
        {
            throw new ArgumentException("CollaborationSessionOptions.Transport is required: ReplicationTransport.Channel(...) or ReplicationTransport.Store(...).", nameof(Transport));
        }

        if (Document is null)
        {
            throw new ArgumentException("CollaborationSessionOptions.Document must not be null.", nameof(Document));
        }

        if (RetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException("CollaborationSessionOptions.RetryDelay must be positive.", nameof(RetryDelay));
        }

        if (DisposeSendTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("CollaborationSessionOptions.DisposeSendTimeout must not be negative.", nameof(DisposeSendTimeout));
        }
    }
}
