using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Firebase;

// FirebaseRealtimeStore: latency compensation (local writes laid over the watches, confirmed or withdrawn).
public sealed partial class FirebaseRealtimeStore
{
    /// <summary>Lays a transaction's attempt over the watches in the place of the previous one (or takes that out); returns what is laid now.</summary>
    private LocalWrite? LayTransactionAttempt(LocalWrite? previous, LocalWrite? next)
    {
        if (next is null)
        {
            if (previous is not null)
            {
                WithdrawLocalWrite(previous);
            }

            return null;
        }

        foreach (var s in previous is null ? TrackLocalWrite(next, add: true) : ReplaceLocalWrite(previous, next))
        {
            if (previous is null)
            {
                s.AddWrite(next);
            }
            else
            {
                s.ReplaceWrite(previous, next);
            }
        }

        return next;
    }

    /// <summary>
    /// The local write to lay over the watches for these entries, or <see langword="null"/> when the write is not
    /// compensated: compensation is off, or a priority in it is a server value (its result is not reported back).
    /// </summary>
    private LocalWrite? NewLocalWrite(IReadOnlyList<(RealtimePath Path, DataNode Value)> entries, bool isPriority = false)
    {
        if (!Options.LatencyCompensation || entries.Any(static e => HasServerValuePriority(e.Value)))
        {
            return null;
        }

        return new LocalWrite(entries, Time.GetUtcNow().ToUnixTimeMilliseconds(), isPriority);
    }

    private static bool HasServerValuePriority(DataNode value) =>
        value.ContainsServerValues && (value.Priority.Kind == DataNodeKind.ServerValue || value.EnumerateChildren().Any(static c => HasServerValuePriority(c.Value)));

    /// <summary>
    /// Runs a write with latency compensation when <paramref name="local"/> is set: laid over the open watches before it is
    /// sent, confirmed (with the database's results for its server values) when the call succeeds, rolled back when it
    /// fails (the error still reaches the caller).
    /// </summary>
    private async Task CompensatedAsync(LocalWrite? local, Func<Task<IReadOnlyList<DataNode>?>> write)
    {
        if (local is null)
        {
            await write().ConfigureAwait(false);
            return;
        }

        foreach (var s in TrackLocalWrite(local, add: true))
        {
            s.AddWrite(local);
        }

        IReadOnlyList<DataNode>? results;
        try
        {
            results = await write().ConfigureAwait(false);
        }
        catch
        {
            WithdrawLocalWrite(local);
            throw;
        }

        ConfirmLocalWrite(local, results);
    }

    /// <summary>Takes a write that did not land out of the watches it was laid over (they report the rollback).</summary>
    private void WithdrawLocalWrite(LocalWrite local)
    {
        foreach (var s in TrackLocalWrite(local, add: false))
        {
            s.RemoveWrite(local);
        }
    }

    /// <param name="local">The write.</param>
    /// <param name="results">
    /// The database's results for its server values, when the transport reports them (REST); the realtime protocol does
    /// not, and the write's echo on the watches shows them instead.
    /// </param>
    private void ConfirmLocalWrite(LocalWrite local, IReadOnlyList<DataNode>? results)
    {
        if (local.HasServerValues && results is not null)
        {
            local.Confirm(results);
        }

        local.Acknowledge();
        foreach (var s in TrackLocalWrite(local, add: false))
        {
            s.Acknowledge(local);
        }
    }

    // Adding to the list and listing the streams happen under one lock, so a stream opened meanwhile gets the write
    // exactly once: from the list when it is created, or from the caller after.
    private List<FirebaseWatch> TrackLocalWrite(LocalWrite write, bool add)
    {
        lock (_lock)
        {
            if (add)
            {
                _localWrites.Add(write);
            }
            else
            {
                _localWrites.Remove(write);
            }

            return [.. _streams.Values.Where(s => write.Touches(s.Query.Path))];
        }
    }

    private List<FirebaseWatch> ReplaceLocalWrite(LocalWrite write, LocalWrite replacement)
    {
        lock (_lock)
        {
            var index = _localWrites.IndexOf(write);
            if (index >= 0)
            {
                _localWrites[index] = replacement;
            }

            return [.. _streams.Values.Where(s => write.Touches(s.Query.Path))];
        }
    }
}
