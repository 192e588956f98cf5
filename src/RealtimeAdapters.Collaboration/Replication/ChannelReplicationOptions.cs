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
    /// The largest snapshot published, in UTF-8 bytes (60,000 by default, under Ably's 64 KiB message limit). A larger
    /// state is not snapshotted and late joiners read the whole retained history.
    /// </summary>
    public int MaxSnapshotBytes { get; set; } = 60_000;

    /// <summary>
    /// How far before the newest snapshot a late joiner still reads history, for edits that were in flight while the
    /// snapshot was taken. 30 seconds by default.
    /// </summary>
    public TimeSpan SnapshotOverlap { get; set; } = TimeSpan.FromSeconds(30);

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

        if (MaxSnapshotBytes < 1)
        {
            throw new ArgumentException("ChannelReplicationOptions.MaxSnapshotBytes must be positive.", nameof(MaxSnapshotBytes));
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
