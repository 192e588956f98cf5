namespace RealtimeAdapters.Firebase;

/// <summary>
/// Keeps a channel's history bounded without a server-side function: publishers trim it. A trimmer first takes the
/// channel's lease (<c>meta/trim</c>, a transaction that succeeds only when no unexpired lease is held), so one client
/// trims at a time; it then reads the message count (<c>meta/count</c>, which every publish increments in the same atomic
/// write as its messages), removes the oldest messages beyond the count limit and everything older than the age limit,
/// with their id claims, and decrements the count, all in one atomic write; it then releases the lease. Because only the
/// lease holder removes messages, no message is removed or counted twice, however many publishers trim.
/// </summary>
internal static class ChannelRetention
{
    // The most entries one trim removes from each log; a larger backlog is removed by the next trims.
    private const int Batch = 1000;

    private static readonly string[] Logs = [FirebaseChannelLayout.PresenceEvents, FirebaseChannelLayout.Ids];

    private const string CountField = "count";
    private const string LeaseField = "trim";
    private const string HolderField = "holder";
    private const string UntilField = "until";

    public static async ValueTask<int> TrimAsync(FirebaseChannelClient client, RealtimePath channel, CancellationToken cancellationToken)
    {
        var options = client.Options;
        var store = client.Store;
        var meta = channel.Child(FirebaseChannelLayout.Meta);
        var lease = meta.Child(LeaseField);
        var holder = $"{client.ConnectionId}:{client.PushIds.Next()}";
        var now = client.ServerNow().ToUnixTimeMilliseconds();
        var taken = await store.RunTransactionAsync(
            lease,
            current => current.Node.GetChild(UntilField) is { Kind: DataNodeKind.Number } until && until.GetNumber() > now
                ? TransactionDecision.Abort()
                : TransactionDecision.Commit(DataNode.FromChildren([new(HolderField, holder), new(UntilField, now + (long)options.TrimLease.TotalMilliseconds)])),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!taken.Committed)
        {
            return 0;
        }

        try
        {
            return await TrimHeldAsync(client, channel, now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Released only if still ours: after an expiry another trimmer may hold it.
            await store.RunTransactionAsync(
                lease,
                current => current.Node.GetChild(HolderField) is { Kind: DataNodeKind.String } h && h.GetString() == holder
                    ? TransactionDecision.Commit(DataNode.Null)
                    : TransactionDecision.Abort(),
                cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async ValueTask<int> TrimHeldAsync(FirebaseChannelClient client, RealtimePath channel, long now, CancellationToken cancellationToken)
    {
        var options = client.Options;
        var store = client.Store;
        var messages = channel.Child(FirebaseChannelLayout.Messages);
        var updates = new Dictionary<string, DataNode>(StringComparer.Ordinal);
        var removedMessages = 0;

        void RemoveMessages(DataNode found)
        {
            foreach (var (key, node) in found.EnumerateChildren())
            {
                if (updates.TryAdd($"{FirebaseChannelLayout.Messages}/{key}", DataNode.Null))
                {
                    removedMessages++;
                    if (ChannelWire.ReadId(node) is { } id && id != key)
                    {
                        updates[$"{FirebaseChannelLayout.Ids}/{FirebaseChannelLayout.EncodeKey(id)}"] = DataNode.Null;
                    }
                }
            }
        }

        void RemoveAll(string log, DataNode found)
        {
            foreach (var (key, _) in found.EnumerateChildren())
            {
                updates[$"{log}/{key}"] = DataNode.Null;
            }
        }

        var byTime = RealtimeQuery.At(messages).OrderByChild(FirebaseChannelLayout.Timestamp);
        if (options.HistoryMaxCount > 0)
        {
            var count = (await store.GetAsync(channel.Child(FirebaseChannelLayout.Meta).Child(CountField), cancellationToken).ConfigureAwait(false)).Node;
            var excess = count.Kind == DataNodeKind.Number ? (long)count.GetNumber() - options.HistoryMaxCount : 0;
            if (excess > 0)
            {
                RemoveMessages((await store.GetAsync(byTime.WithLimitToFirst((int)Math.Min(excess, Batch)), cancellationToken).ConfigureAwait(false)).Node);
            }
        }

        if (options.HistoryMaxAge > TimeSpan.Zero)
        {
            var cutoff = now - (long)options.HistoryMaxAge.TotalMilliseconds;
            RemoveMessages((await store.GetAsync(byTime.WithEndAt(cutoff).WithLimitToFirst(Batch), cancellationToken).ConfigureAwait(false)).Node);
            foreach (var log in Logs)
            {
                var old = RealtimeQuery.At(channel.Child(log)).OrderByChild(FirebaseChannelLayout.Timestamp).WithEndAt(cutoff).WithLimitToFirst(Batch);
                RemoveAll(log, (await store.GetAsync(old, cancellationToken).ConfigureAwait(false)).Node);
            }
        }

        // Every entry removed: messages, their id claims, presence events, expired claims (before the count joins the write).
        var removed = updates.Count;
        if (removed == 0)
        {
            return 0;
        }

        if (removedMessages > 0 && options.HistoryMaxCount > 0)
        {
            updates[$"{FirebaseChannelLayout.Meta}/{CountField}"] = ServerValue.Increment(-removedMessages);
        }

        await store.UpdateAsync(channel, updates, cancellationToken).ConfigureAwait(false);
        return removed;
    }
}
