namespace RealtimeAdapters.Collaboration;

/// <summary>
/// How a <see cref="CollaborationSession"/> exchanges edits with other replicas: over a channel
/// (<see cref="Channel"/>: edits as messages, history to catch up, periodic snapshots) or over a store
/// (<see cref="Store"/>: edits and a compacted snapshot under a path). Both work on every provider that offers the
/// contract. A transport serves one session.
/// </summary>
public abstract class ReplicationTransport : IAsyncDisposable
{
    private protected ReplicationTransport()
    {
    }

    /// <summary>Replicates over a channel of <paramref name="client"/>.</summary>
    /// <param name="client">The channel client; its client id is the author of this replica's edits, and the sender the
    /// backend stamps on each message is checked against the author the edit names.</param>
    /// <param name="channelName">The channel carrying the document.</param>
    /// <param name="options">Snapshot and catch-up settings; the defaults when omitted.</param>
    public static ReplicationTransport Channel(IChannelClient client, string channelName, ChannelReplicationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        options ??= new ChannelReplicationOptions();
        options.Validate();
        return new ChannelTransport(client, channelName, options);
    }

    /// <summary>Replicates under a path of a store: edits under <c>path/ops</c>, the compacted state at <c>path/snapshot</c>.</summary>
    /// <param name="store">The store. The store does not say who wrote what, so authorship rests on its security rules.</param>
    /// <param name="path">The document's location.</param>
    /// <param name="options">Compaction settings; the defaults when omitted.</param>
    public static ReplicationTransport Store(IRealtimeStore store, RealtimePath path, StoreReplicationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        options ??= new StoreReplicationOptions();
        options.Validate();
        return new StoreTransport(store, path, options);
    }

    /// <summary>Whether the backend identifies this replica's client (then <see cref="ClientId"/> is the author of its edits).</summary>
    internal abstract bool KnowsClientId { get; }

    /// <summary>The client id the backend knows this replica as (<see langword="null"/>: anonymous).</summary>
    internal abstract string? ClientId { get; }

    /// <summary>Starts receiving and catches up with what was sent before; completes once caught up.</summary>
    internal abstract ValueTask StartAsync(IReplicationSink sink, CancellationToken cancellationToken);

    /// <summary>Sends operations; completes when the backend accepted them all.</summary>
    internal abstract ValueTask SendAsync(IReadOnlyList<CrdtOperation> operations, CancellationToken cancellationToken);

    /// <summary>Stops receiving (the session that uses the transport disposes it).</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return StopAsync();
    }

    /// <summary>Stops receiving; idempotent.</summary>
    internal abstract ValueTask StopAsync();
}
