namespace RealtimeAdapters.Firebase;

/// <summary>
/// One watch on a channel's log (<c>messages</c> or <c>presenceEvents</c>) shared by the channel's subscriptions on this
/// client: it attaches at the newest entry (children ordered by the database timestamp, starting at the newest one's),
/// skips what was there when it attached, and fans every later entry out to the subscriptions whose filter matches.
/// Entries missed while the connection was down arrive when the store re-listens (its resync raises them as added).
/// </summary>
/// <typeparam name="T">The decoded entry.</typeparam>
internal sealed class ChannelFeed<T> : IAsyncDisposable
    where T : class
{
    // Enough newest entries to find every entry sharing the newest timestamp in one read, except in bursts.
    private const int AnchorProbe = 20;

    private static readonly SubscriptionBufferOptions Unbounded = new() { Capacity = null };

    private readonly IRealtimeStore _store;
    private readonly RealtimePath _path;
    private readonly Func<string, DataNode, T?> _read;
    private readonly Func<T, bool> _accept;
    private readonly Lock _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private Task? _start;
    private IRealtimeSubscription<StoreEvent>? _watch;
    private HashSet<string> _skip = [];
    private bool _disposed;

    public ChannelFeed(IRealtimeStore store, RealtimePath path, Func<string, DataNode, T?> read, Func<T, bool> accept)
    {
        _store = store;
        _path = path;
        _read = read;
        _accept = accept;
    }

    /// <summary>The newest entry when the feed attached (timestamp and key), or <see langword="null"/> when the log was empty or the feed is not attached.</summary>
    public (double Timestamp, string Key)? Anchor { get; private set; }

    /// <summary>Whether the feed is attached (its watch is open).</summary>
    public bool IsAttached
    {
        get
        {
            lock (_gate)
            {
                return _start is { IsCompletedSuccessfully: true };
            }
        }
    }

    public async ValueTask<IRealtimeSubscription<T>> SubscribeAsync(Func<T, bool> matches, SubscriptionBufferOptions buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Task start;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Attaching is shared: it runs to its end (bounded by the store's request timeout) even if this caller gives up.
            start = _start ??= StartAsync();
        }

        try
        {
            await start.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_start, start))
                {
                    _start = null;
                }
            }

            throw;
        }

        var subscriber = new Subscriber(matches);
        var subscription = new RealtimeSubscription<T>(buffer, () =>
        {
            lock (_gate)
            {
                _subscribers.Remove(subscriber);
            }

            return default;
        });
        subscriber.Subscription = subscription;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscribers.Add(subscriber);
        }

        return subscription;
    }

    /// <summary>Ends every subscription and closes the watch. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? start;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            start = _start;
        }

        EndSubscribers(null);
        if (start is not null)
        {
            try
            {
                await start.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed attach has nothing to close.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        if (_watch is { } watch)
        {
            await watch.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartAsync()
    {
        var ordered = RealtimeQuery.At(_path).OrderByChild(FirebaseChannelLayout.Timestamp);
        var newest = (await _store.GetAsync(ordered.WithLimitToLast(AnchorProbe), CancellationToken.None).ConfigureAwait(false)).Node;
        var query = ordered;
        var skip = new HashSet<string>(StringComparer.Ordinal);
        (double, string)? anchor = null;
        if (newest.ChildCount > 0)
        {
            var children = new DataSnapshot(_path, newest, ordered.Order).Children.ToList();
            var last = children[^1];
            if (ChannelWire.ReadTimestamp(last.Node) is { } newestTime)
            {
                var tied = children.Where(c => ChannelWire.ReadTimestamp(c.Node) == newestTime).Select(static c => c.Key!).ToList();
                if (tied.Count == AnchorProbe)
                {
                    // A burst within one millisecond (or a clock that does not move): read every entry of that instant.
                    var all = (await _store.GetAsync(ordered.WithEqualTo(newestTime), CancellationToken.None).ConfigureAwait(false)).Node;
                    tied = [.. all.Children.Select(static c => c.Key)];
                }

                skip.UnionWith(tied);
                query = ordered.WithStartAt(newestTime);
                anchor = (newestTime, last.Key!);
            }
            else
            {
                // Entries without a timestamp sort first and are never delivered; none of them is an anchor.
                skip.UnionWith(children.Select(static c => c.Key!));
            }
        }

        var watch = await _store.WatchAsync(query, new WatchOptions { Events = StoreEventKind.ChildAdded, Buffer = Unbounded }, CancellationToken.None)
            .ConfigureAwait(false);
        lock (_gate)
        {
            _skip = skip;
            Anchor = anchor;
            _watch = watch;
            if (_disposed)
            {
                _ = watch.DisposeAsync().AsTask();
                return;
            }
        }

        _ = Task.Run(() => PumpAsync(watch));
    }

    private async Task PumpAsync(IRealtimeSubscription<StoreEvent> watch)
    {
        Exception? error = null;
        try
        {
            await foreach (var e in ((IAsyncEnumerable<StoreEvent>)watch).ConfigureAwait(false))
            {
                var key = e.Snapshot.Key!;
                if (e.Kind != StoreEventKind.ChildAdded || (_skip.Count > 0 && _skip.Remove(key)))
                {
                    continue;
                }

                if (_read(key, e.Snapshot.Node) is { } item && _accept(item))
                {
                    Deliver(item);
                }
            }
        }
#pragma warning disable CA1031 // The watch's error ends the subscriptions, which report it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        // The watch ended without being disposed by us (the store closed, or refused the listen): the next subscription attaches again.
        lock (_gate)
        {
            if (ReferenceEquals(_watch, watch))
            {
                _start = null;
                _watch = null;
            }
        }

        EndSubscribers(error);
    }

    private void Deliver(T item)
    {
        Subscriber[] targets;
        lock (_gate)
        {
            targets = [.. _subscribers];
        }

        foreach (var target in targets)
        {
            if (target.Matches(item))
            {
                target.Subscription!.TryWrite(item);
            }
        }
    }

    private void EndSubscribers(Exception? error)
    {
        Subscriber[] ended;
        lock (_gate)
        {
            ended = [.. _subscribers];
            _subscribers.Clear();
        }

        foreach (var subscriber in ended)
        {
            subscriber.Subscription!.Complete(error);
        }
    }

    private sealed class Subscriber(Func<T, bool> matches)
    {
        public Func<T, bool> Matches { get; } = matches;

        public RealtimeSubscription<T>? Subscription { get; set; }
    }
}
