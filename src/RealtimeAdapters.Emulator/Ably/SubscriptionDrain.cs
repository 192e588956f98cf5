namespace RealtimeAdapters.Emulator.Ably;

/// <summary>
/// Moves a hub subscription's events into a connection's outbound queue. It runs on its own when events arrive, and
/// <see cref="Drain"/> also runs it on the caller's thread, so a publisher can make sure an event the hub fanned out is
/// already queued for every other connection before it acknowledges (the hub writes to the subscription synchronously
/// and completes a waiting read synchronously; only the continuation is deferred to the thread pool).
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
internal sealed class SubscriptionDrain<T>
{
    private readonly Lock _gate;
    private readonly IAsyncEnumerator<T> _reader;
    private readonly Action<T> _sink;
    private readonly Action _resume;
    private ValueTask<bool> _pending;
    private bool _hasPending;
    private bool _started;
    private bool _ended;

    /// <param name="subscription">The hub subscription; this is its only reader.</param>
    /// <param name="sink">Takes each event, in order, under <paramref name="gate"/>; must not block.</param>
    /// <param name="gate">The lock serialising reads; shared with whoever must hold back the drain while it sets up.</param>
    /// <param name="schedule">Runs the drain when a waited-for event arrives; at once when null (tests delay it).</param>
    public SubscriptionDrain(RealtimeSubscription<T> subscription, Action<T> sink, Lock gate, Action<Action>? schedule = null)
    {
        _gate = gate;
        _sink = sink;
        _reader = subscription.GetAsyncEnumerator();
        _resume = schedule is null ? Drain : () => schedule(Drain);
    }

    /// <summary>Starts moving events: the ones already buffered now, later ones as they come.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _started = true;
            Drain();
        }
    }

    /// <summary>Moves every event that is already available; returns without waiting for more.</summary>
    public void Drain()
    {
        lock (_gate)
        {
            while (_started && !_ended)
            {
                ValueTask<bool> next;
                if (_hasPending)
                {
                    if (!_pending.IsCompleted)
                    {
                        return;
                    }

                    next = _pending;
                    _hasPending = false;
                    _pending = default;
                }
                else
                {
                    // Completion is checked here and the result read once, below or by the next Drain (CA2012's concern).
#pragma warning disable CA2012
                    next = _reader.MoveNextAsync();
#pragma warning restore CA2012
                    if (!next.IsCompleted)
                    {
                        _pending = next;
                        _hasPending = true;

                        // The subscription resumes a waiting reader on the thread pool, never inline on the writer.
                        next.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_resume);
                        return;
                    }
                }

                bool more;
                try
                {
                    more = next.GetAwaiter().GetResult();
                }
                catch (Exception ex) when (ex is RealtimeException or OperationCanceledException or ObjectDisposedException)
                {
                    // An overflowed or disposed subscription just ends; the channel link is being torn down or lost.
                    more = false;
                }

                if (!more)
                {
                    _ended = true;
                    return;
                }

                _sink(_reader.Current);
            }
        }
    }

    /// <summary>Stops moving events; the caller disposes the subscription (which ends a pending read).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _ended = true;
        }
    }
}
