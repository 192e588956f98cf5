namespace RealtimeAdapters.Ably.Realtime;

/// <summary>
/// The subscriptions of one source (a channel's messages, its presence, the client's channel states), each with its
/// options: a copy-on-write array, so delivery reads a snapshot without a lock and never waits on a subscriber.
/// </summary>
internal sealed class SubscriberList<T, TOptions>
{
    private readonly Lock _gate = new();
    private (RealtimeSubscription<T> Subscription, TOptions Options)[] _items = [];

    /// <summary>The current subscribers.</summary>
    public (RealtimeSubscription<T> Subscription, TOptions Options)[] Snapshot => Volatile.Read(ref _items);

    /// <summary>Adds a subscription that removes itself when disposed.</summary>
    public RealtimeSubscription<T> Add(SubscriptionBufferOptions? buffer, TOptions options)
    {
        RealtimeSubscription<T>? subscription = null;
        subscription = new RealtimeSubscription<T>(buffer, () =>
        {
            lock (_gate)
            {
                _items = Array.FindAll(_items, s => !ReferenceEquals(s.Subscription, subscription));
            }

            return ValueTask.CompletedTask;
        });
        lock (_gate)
        {
            _items = [.. _items, (subscription, options)];
        }

        return subscription;
    }

    /// <summary>Ends every subscription (with <paramref name="error"/>, or cleanly); when <paramref name="remove"/>, forgets them too.</summary>
    public void CompleteAll(RealtimeException? error, bool remove)
    {
        (RealtimeSubscription<T> Subscription, TOptions Options)[] items;
        lock (_gate)
        {
            items = _items;
            if (remove)
            {
                _items = [];
            }
        }

        foreach (var (subscription, _) in items)
        {
            subscription.Complete(error);
        }
    }
}
