namespace RealtimeAdapters.Firebase;

/// <summary>
/// Pages through a channel's log (<c>messages</c> or <c>presenceEvents</c>) ordered by the database timestamp, then key:
/// each page is one limited query bounded by the range, the retention age and the previous page's last entry, so entries
/// written while paging never shift the pages being walked.
/// </summary>
/// <typeparam name="T">The decoded entry.</typeparam>
internal sealed class ChannelHistory<T>(IRealtimeStore store, RealtimePath path, Func<string, DataNode, T?> read, Func<DateTimeOffset?> retentionStart)
    where T : class
{
    /// <summary>Reads the first page.</summary>
    /// <param name="query">The validated query.</param>
    /// <param name="attach">For <see cref="HistoryQuery.UntilAttach"/>: the newest entry when the subscription attached, <see langword="null"/> when there was none.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public ValueTask<HistoryPage<T>> ReadAsync(HistoryQuery query, (double Timestamp, string Key)? attach, CancellationToken cancellationToken)
    {
        if (query.UntilAttach && attach is null)
        {
            return ValueTask.FromResult(new HistoryPage<T>([], null));
        }

        // The range's ends in whole milliseconds, as the database stores them: inclusive, so the start rounds up and the end down.
        double? low = query.Start is { } s ? Math.Ceiling((s - DateTimeOffset.UnixEpoch).TotalMilliseconds) : null;
        if (retentionStart() is { } kept)
        {
            var keptMs = Math.Ceiling((kept - DateTimeOffset.UnixEpoch).TotalMilliseconds);
            low = low is { } l ? Math.Max(l, keptMs) : keptMs;
        }

        (double Timestamp, string? Key)? high = query.End is { } e ? (Math.Floor((e - DateTimeOffset.UnixEpoch).TotalMilliseconds), null) : null;
        if (query.UntilAttach && (high is null || attach!.Value.Timestamp <= high.Value.Timestamp))
        {
            high = attach;
        }

        return PageAsync(query, low, high, null, cancellationToken);
    }

    private async ValueTask<HistoryPage<T>> PageAsync(
        HistoryQuery query,
        double? low,
        (double Timestamp, string? Key)? high,
        (DataNode Timestamp, string Key)? after,
        CancellationToken cancellationToken)
    {
        var ordered = RealtimeQuery.At(path).OrderByChild(FirebaseChannelLayout.Timestamp);
        var q = ordered;
        var backwards = query.Direction == HistoryDirection.Backwards;

        // One more than the page to tell whether another follows, and one more for the previous page's last entry (the
        // bound is inclusive: the realtime protocol's exclusive bounds are not in every transport).
        var fetch = query.Limit + 2;
        if (backwards)
        {
            q = low is { } l ? q.WithStartAt(l) : q;
            q = after is { } a ? q.WithEndAt(a.Timestamp, a.Key) : high is { } h ? q.WithEndAt(h.Timestamp, h.Key) : q;
            q = q.WithLimitToLast(fetch);
        }
        else
        {
            q = after is { } a ? q.WithStartAt(a.Timestamp, a.Key) : low is { } l ? q.WithStartAt(l) : q;
            q = high is { } h ? q.WithEndAt(h.Timestamp, h.Key) : q;
            q = q.WithLimitToFirst(fetch);
        }

        var snapshot = await store.GetAsync(q, cancellationToken).ConfigureAwait(false);
        var entries = new DataSnapshot(path, snapshot.Node, ordered.Order).Children.ToList();
        if (backwards)
        {
            entries.Reverse();
        }

        if (after is { } previous && entries.Count > 0 && entries[0].Key == previous.Key)
        {
            entries.RemoveAt(0);
        }

        var items = new List<T>(Math.Min(entries.Count, query.Limit));
        for (var i = 0; i < entries.Count && i < query.Limit; i++)
        {
            if (read(entries[i].Key!, entries[i].Node) is { } item)
            {
                items.Add(item);
            }
        }

        if (entries.Count <= query.Limit)
        {
            return new HistoryPage<T>(items, null);
        }

        var last = entries[query.Limit - 1];
        var cursor = (last.Node.GetChild(FirebaseChannelLayout.Timestamp), last.Key!);
        return new HistoryPage<T>(items, ct => PageAsync(query, low, high, cursor, ct));
    }
}
