using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// Replication under a store path: each edit is a string child of <c>path/ops</c> (its JSON; its key derived from the edit,
/// so that a re-send writes the same child), and <c>path/snapshot</c> holds the compacted state as a string. A replica
/// that sees <see cref="StoreReplicationOptions.CompactEvery"/> edits waiting merges them into the snapshot in a
/// transaction (a join with whatever snapshot is there, so concurrent compactions lose nothing) and only then deletes
/// them. Every replica watches both, so edits compacted while it was away still reach it through the snapshot.
/// </summary>
internal sealed class StoreTransport(IRealtimeStore store, RealtimePath path, StoreReplicationOptions options) : ReplicationTransport
{
    private readonly RealtimePath _ops = path.Child("ops");
    private readonly RealtimePath _snapshot = path.Child("snapshot");
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, string> _waiting = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _watches = [];
    private readonly List<Task> _loops = [];
    private IReplicationSink? _sink;
    private int _stopped;
    private int _compacting;
    private Task _compaction = Task.CompletedTask;

    internal override bool KnowsClientId => false;

    internal override string? ClientId => null;

    internal override async ValueTask StartAsync(IReplicationSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        // Edits first, then the snapshot: an edit compacted away in between is in the snapshot read after it.
        var ops = await store.WatchAsync(_ops, new WatchOptions { Events = StoreEventKind.ChildAdded | StoreEventKind.ChildChanged | StoreEventKind.ChildRemoved | StoreEventKind.Value }, cancellationToken).ConfigureAwait(false);
        _watches.Add(ops);
        var opEvents = ops.GetAsyncEnumerator(_stop.Token);
        await ReadUntilValueAsync(opEvents, cancellationToken).ConfigureAwait(false);
        var snapshot = await store.WatchAsync(_snapshot, new WatchOptions { Events = StoreEventKind.Value }, cancellationToken).ConfigureAwait(false);
        _watches.Add(snapshot);
        var snapshotEvents = snapshot.GetAsyncEnumerator(_stop.Token);
        await ReadUntilValueAsync(snapshotEvents, cancellationToken).ConfigureAwait(false);
        _loops.Add(Task.Run(() => ReceiveAsync(opEvents), CancellationToken.None));
        _loops.Add(Task.Run(() => ReceiveAsync(snapshotEvents), CancellationToken.None));
        MaybeCompact();
    }

    internal override async ValueTask SendAsync(IReadOnlyList<CrdtOperation> operations, CancellationToken cancellationToken)
    {
        foreach (var chunk in operations.Chunk(options.MaxBatchOperations))
        {
            var updates = new Dictionary<string, DataNode>(StringComparer.Ordinal);
            foreach (var op in chunk)
            {
                updates[Key(op)] = DataNode.FromString(op.ToJson());
            }

            await store.UpdateAsync(_ops, updates, cancellationToken).ConfigureAwait(false);
        }
    }

    internal override async ValueTask StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var watch in _watches)
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var loop in _loops)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _compaction.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    /// <summary>The child key of an edit: its wall time (so keys sort roughly by time) and a hash of its id.</summary>
    internal static string Key(CrdtOperation op) =>
        op.Id.WallMilliseconds.ToString("D13", CultureInfo.InvariantCulture) + "-" +
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(op.Id.ToString())).AsSpan(0, 8));

    private async Task ReadUntilValueAsync(IAsyncEnumerator<StoreEvent> events, CancellationToken cancellationToken)
    {
        while (await events.MoveNextAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Handle(events.Current))
            {
                return;
            }
        }
    }

    private async Task ReceiveAsync(IAsyncEnumerator<StoreEvent> events)
    {
        try
        {
            while (await events.MoveNextAsync().ConfigureAwait(false))
            {
                Handle(events.Current);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is RealtimeException or InvalidOperationException or ObjectDisposedException)
        {
            _sink!.OnError(ex);
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Returns whether the event was a value event (the end of a watch's initial state).
    private bool Handle(StoreEvent e)
    {
        var sink = _sink!;
        if (e.Snapshot.Path == _snapshot)
        {
            if (e.Snapshot.Node.Kind == DataNodeKind.String)
            {
                sink.OnSnapshot(e.Snapshot.Node.GetString());
            }
            else if (!e.Snapshot.Node.IsNull)
            {
                sink.OnError(new OperationRejectedException(RejectionReason.Malformed, $"Rejected snapshot at {_snapshot}: it is a {e.Snapshot.Node.Kind}, not a JSON string.", "snapshot"));
            }

            return true;
        }

        switch (e.Kind)
        {
            case StoreEventKind.Value:
                MaybeCompact();
                return true;
            case StoreEventKind.ChildRemoved:
                _waiting.TryRemove(e.Snapshot.Key!, out _);
                return false;
            case StoreEventKind.ChildAdded or StoreEventKind.ChildChanged:
                if (e.Snapshot.Node.Kind != DataNodeKind.String)
                {
                    sink.OnError(new OperationRejectedException(RejectionReason.Malformed, $"Rejected operation at {e.Snapshot.Path}: it is a {e.Snapshot.Node.Kind}, not a JSON string.", e.Snapshot.Key));
                    return false;
                }

                var json = e.Snapshot.Node.GetString();
                // The store does not say who wrote a child: the author is checked only against its replica id.
                if (sink.OnOperation(json, senderKnown: false, sender: null))
                {
                    _waiting[e.Snapshot.Key!] = json;
                }

                return false;
            default:
                return false;
        }
    }

    private void MaybeCompact()
    {
        if (options.CompactEvery == 0 || _waiting.Count < options.CompactEvery ||
            !store.Metadata.Supports(RealtimeCapabilities.Transactions) || Interlocked.CompareExchange(ref _compacting, 1, 0) != 0)
        {
            return;
        }

        _compaction = Task.Run(CompactAsync, CancellationToken.None);
    }

    private async Task CompactAsync()
    {
        try
        {
            var batch = _waiting.ToArray();
            var operations = new List<CrdtOperation>(batch.Length);
            foreach (var (_, json) in batch)
            {
                operations.Add(CrdtOperation.Parse(json));
            }

            var result = await store.RunTransactionAsync(
                _snapshot,
                current =>
                {
                    var state = current.Node.Kind == DataNodeKind.String ? TryParse(current.Node.GetString()) : current.Node.IsNull ? new DocumentState() : null;
                    if (state is null)
                    {
                        // A snapshot this replica cannot read (corrupt, or from a newer version) is never overwritten.
                        return TransactionDecision.Abort();
                    }

                    foreach (var op in operations)
                    {
                        state.TryApply(op);
                    }

                    if (_sink!.HorizonNow() is { } horizon)
                    {
                        state.AdvanceHorizon(horizon);
                    }

                    return TransactionDecision.Commit(DataNode.FromString(state.ToSnapshotJson()));
                },
                cancellationToken: _stop.Token).ConfigureAwait(false);

            if (!result.Committed)
            {
                return;
            }

            // Only once the snapshot holds them are the edits deleted.
            var deletions = batch.ToDictionary(static kv => kv.Key, static _ => DataNode.Null, StringComparer.Ordinal);
            await store.UpdateAsync(_ops, deletions, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is RealtimeException or InvalidOperationException or ObjectDisposedException)
        {
            _sink!.OnError(ex);
        }
        finally
        {
            Volatile.Write(ref _compacting, 0);
        }
    }

    private static DocumentState? TryParse(string json)
    {
        try
        {
            return DocumentState.ParseSnapshot(json);
        }
        catch (OperationRejectedException)
        {
            return null;
        }
    }
}
