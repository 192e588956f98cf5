namespace RealtimeAdapters.Collaboration;

/// <summary>Settings of replication over a channel (<see cref="ReplicationTransport.Channel"/>).</summary>
public sealed class ChannelReplicationOptions
{
    /// <summary>
    /// After how many edits seen on the channel since the last snapshot a replica publishes a snapshot of the whole state,
    /// so that a late joiner reads history only back to it. 100 by default; 0 never publishes.
    /// </summary>
    public int SnapshotEvery { get; set; } = 100;

    /// <summary>
    /// The largest message a snapshot is published in, in UTF-8 bytes (60,000 by default, under Ably's 64 KiB message
    /// limit; at least 1,024). A larger snapshot is published as several <c>crdt.snapshot.part</c> messages of at most
    /// this size each, which receivers assemble (earlier versions of this library read only whole snapshots).
    /// </summary>
    public int MaxSnapshotBytes { get; set; } = 60_000;

    /// <summary>
    /// How far before a snapshot a late joiner reads history at least (30 seconds by default). A snapshot this version
    /// publishes names the last edit its publisher had received, and a late joiner reads back to that edit however long
    /// ago it was (an edit in flight for longer than the overlap is not missed); the overlap covers a snapshot without it
    /// (published by an earlier version, or by a replica that had received no edit), and a publisher whose subscription
    /// received edits out of order after a reconnect.
    /// </summary>
    public TimeSpan SnapshotOverlap { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The client ids whose snapshots are trusted (for instance a server-side compactor's), or <see langword="null"/> (the
    /// default) to trust a snapshot from any member of the channel. A snapshot is a claim about everyone's edits that a
    /// late joiner cannot check against the edits it replaces, so a member that may publish one can forge edits in other
    /// members' names for late joiners; with a list, a snapshot from anyone else (the backend says who sent each message)
    /// is refused (<see cref="RejectionReason.Forged"/>) and the late joiner reads on back in history, and a replica not in
    /// the list does not publish snapshots.
    /// </summary>
    public IReadOnlyCollection<string>? SnapshotPublishers { get; set; }

    /// <summary>The most edits in one publish (each edit is one message). 50 by default.</summary>
    public int MaxBatchMessages { get; set; } = 50;

    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (SnapshotEvery < 0)
        {
            throw new ArgumentException("ChannelReplicationOptions.SnapshotEvery must be 0 or more.", nameof(SnapshotEvery));
        }

        if (MaxSnapshotBytes < 1024)
        {
            throw new ArgumentException("ChannelReplicationOptions.MaxSnapshotBytes must be at least 1,024.", nameof(MaxSnapshotBytes));
        }

        if (SnapshotOverlap < TimeSpan.Zero)
        {
            throw new ArgumentException("ChannelReplicationOptions.SnapshotOverlap must not be negative.", nameof(SnapshotOverlap));
        }

        if (MaxBatchMessages is < 1 or > 1000)
        {
            throw new ArgumentException("ChannelReplicationOptions.MaxBatchMessages must be between 1 and 1000.", nameof(MaxBatchMessages));
        }
    }
}
