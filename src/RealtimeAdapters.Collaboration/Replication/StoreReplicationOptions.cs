namespace RealtimeAdapters.Collaboration;

/// <summary>Settings of replication under a store path (<see cref="ReplicationTransport.Store"/>).</summary>
public sealed class StoreReplicationOptions
{
    /// <summary>
    /// How many edits may wait under <c>path/ops</c> before a replica folds them into <c>path/snapshot</c> (in a
    /// transaction, merging with the snapshot there) and deletes them. 200 by default; 0 never compacts. A store without
    /// transactions is never compacted.
    /// </summary>
    public int CompactEvery { get; set; } = 200;

    /// <summary>The most edits in one multi-path write. 500 by default.</summary>
    public int MaxBatchOperations { get; set; } = 500;

    /// <summary>Throws <see cref="ArgumentException"/> naming the invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (CompactEvery < 0)
        {
            throw new ArgumentException("StoreReplicationOptions.CompactEvery must be 0 or more.", nameof(CompactEvery));
        }

        if (MaxBatchOperations is < 1 or > 10_000)
        {
            throw new ArgumentException("StoreReplicationOptions.MaxBatchOperations must be between 1 and 10,000.", nameof(MaxBatchOperations));
        }
    }
}
