using System.Threading.Tasks.Sources;

namespace RealtimeAdapters;

/// <summary>
/// The standard <see cref="IRealtimeSubscription{T}"/> for provider authors: a per-subscriber queue that a source writes
/// to without ever waiting (<see cref="TryWrite"/>), with the overflow policy of <see cref="SubscriptionBufferOptions"/>
/// applied when the reader falls behind. Single reader; any number of writers.
/// </summary>
/// <remarks>
/// A ring buffer under one lock: a write is a lock, a store and (when the reader is waiting) a hand-off. The reader takes
/// buffered events in small batches (at most 64, and at most an eighth of the capacity) under one lock acquisition and
/// then reads them without synchronisation, so a writer and a reader on different cores rarely touch the same cache
/// lines; a batch in the reader's hands no longer counts against the capacity. A read of a buffered event completes
/// synchronously without allocating. A waiting reader is resumed on the thread pool, never inline on the writer's
/// thread, so a source can write while holding its own locks.
/// </remarks>
/// <typeparam name="T">The event type.</typeparam>
public sealed class RealtimeSubscription<T> : IRealtimeSubscription<T>
{
    private const int InitialBufferSize = 16;
    private const int MaxReadBatch = 64;

    private readonly Lock _sync = new();
    private readonly int _capacity;
    private readonly bool _dropOldest;
    private readonly int _readBatch;
    private readonly Func<ValueTask>? _onDispose;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T[] _items = [];
    private int _head;
    private int _count;
    private bool _ended;
    private Exception? _error;
    private Enumerator? _waitingReader;
    private Enumerator? _batchReader;
    private int _batchOutstanding;
    private int _disposed;

    /// <summary>Creates a subscription.</summary>
    /// <param name="buffer">Capacity and overflow policy; <see cref="SubscriptionBufferOptions.Default"/> when omitted.</param>
    /// <param name="onDispose">Called once when the subscriber disposes the subscription (to unregister it from the source).</param>
    public RealtimeSubscription(SubscriptionBufferOptions? buffer = null, Func<ValueTask>? onDispose = null)
    {
        buffer ??= SubscriptionBufferOptions.Default;
        buffer.Validate();
        _capacity = buffer.Capacity ?? int.MaxValue;
        _dropOldest = buffer.OverflowPolicy == BufferOverflowPolicy.DropOldest;
        _readBatch = buffer.Capacity is { } capacity ? Math.Clamp(capacity / 8, 1, MaxReadBatch) : MaxReadBatch;
        _onDispose = onDispose;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Completes once the reader has received every queued event after the stream ended (faulted with the source's error,
    /// if any), or at once when the subscription is disposed.
    /// </remarks>
    public Task Completion => _completion.Task;

    /// <summary>How many events wait for the reader.</summary>
    public int Count => Volatile.Read(ref _count) + (Volatile.Read(ref _batchReader)?.Remaining ?? 0);

    /// <summary>Whether the subscription still accepts events.</summary>
    public bool IsActive => !Volatile.Read(ref _ended) && Volatile.Read(ref _disposed) == 0;

    /// <summary>
    /// Queues an event without waiting. When the buffer is full under <see cref="BufferOverflowPolicy.Fail"/>, the
    /// subscription ends with <see cref="SubscriptionOverflowException"/> (the reader still gets the events queued before).
    /// </summary>
    /// <param name="item">The event.</param>
    /// <returns><see langword="false"/> when the subscription has ended and the event was not queued.</returns>
    public bool TryWrite(T item)
    {
        Enumerator? reader;
        lock (_sync)
        {
            if (_ended)
            {
                return false;
            }

            reader = _waitingReader;
            if (reader is not null)
            {
                // The reader is waiting, so the buffer is empty: hand the event over directly.
                _waitingReader = null;
            }
            else
            {
                // At or over: events a reader handed back (see Enumerator.DisposeAsync) may exceed the capacity briefly.
                if (_count >= _capacity)
                {
                    if (!_dropOldest)
                    {
                        EndLocked(new SubscriptionOverflowException(
                            $"The subscriber fell {_capacity} events behind and its buffer overflowed; the subscription has ended. " +
                            "Read faster, raise SubscriptionBufferOptions.Capacity, or use BufferOverflowPolicy.DropOldest."));
                        return false;
                    }

                    while (_count >= _capacity)
                    {
                        _items[_head] = default!;
                        _head = _head + 1 == _items.Length ? 0 : _head + 1;
                        _count--;
                    }
                }

                if (_count == _items.Length)
                {
                    Grow(_count + 1);
                }

                var tail = _head + _count;
                _items[tail >= _items.Length ? tail - _items.Length : tail] = item;
                Volatile.Write(ref _count, _count + 1);
                return true;
            }
        }

        reader.Deliver(item);
        return true;
    }

    /// <summary>Ends the stream: normally, or with an error the reader will see after the queued events.</summary>
    /// <param name="error">The error, or <see langword="null"/> for a normal end.</param>
    /// <returns><see langword="false"/> when it had already ended.</returns>
    public bool Complete(Exception? error = null)
    {
        lock (_sync)
        {
            if (_ended)
            {
                return false;
            }

            EndLocked(error);
            return true;
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(this, cancellationToken);

    /// <summary>Unsubscribes: the stream ends and the source is told (once).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Enumerator? reader;
        lock (_sync)
        {
            _ended = true;
            Array.Clear(_items);
            _head = 0;
            Volatile.Write(ref _count, 0);
            reader = _waitingReader;
            _waitingReader = null;
        }

        reader?.Finish(null);
        if (_error is { } error)
        {
            _completion.TrySetException(error);
        }
        else
        {
            _completion.TrySetResult();
        }

        if (_onDispose is not null)
        {
            await _onDispose().ConfigureAwait(false);
        }
    }

    // Caller holds _sync. A waiting reader implies an empty buffer, so it learns of the end at once. While the reader
    // still holds a batch, it completes the stream itself after the batch's last event (see Enumerator.YieldFromBatch);
    // the full fence pairs with the one there so that one of the two always sees the other.
    private void EndLocked(Exception? error)
    {
        _ended = true;
        _error = error;
        Interlocked.MemoryBarrier();
        if (_count == 0)
        {
            var reader = _waitingReader;
            _waitingReader = null;
            reader?.Finish(error);
            if (Volatile.Read(ref _batchOutstanding) == 0)
            {
                SetCompletion(error);
            }
        }
    }

    private void SetCompletion(Exception? error)
    {
        if (error is null)
        {
            _completion.TrySetResult();
        }
        else
        {
            _completion.TrySetException(error);
        }
    }

    private void Grow(int minimum)
    {
        var size = Math.Min((long)_capacity, Math.Max(InitialBufferSize, (long)_items.Length * 2));
        var next = new T[(int)Math.Max(size, minimum)];
        for (var i = 0; i < _count; i++)
        {
            var index = _head + i;
            next[i] = _items[index >= _items.Length ? index - _items.Length : index];
        }

        _items = next;
        _head = 0;
    }

    // Caller holds _sync: puts events a reader took but did not read back at the front, in order.
    private void ReturnToFrontLocked(T[] source, int start, int length)
    {
        if (_count + length > _items.Length)
        {
            Grow(_count + length);
        }

        _head -= length;
        if (_head < 0)
        {
            _head += _items.Length;
        }

        for (var i = 0; i < length; i++)
        {
            var index = _head + i;
            _items[index >= _items.Length ? index - _items.Length : index] = source[start + i];
        }

        Volatile.Write(ref _count, _count + length);
    }

    private sealed class Enumerator : IAsyncEnumerator<T>, IValueTaskSource<bool>
    {
        private readonly RealtimeSubscription<T> _owner;
        private readonly CancellationToken _cancellationToken;
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _registration;
        private T _current = default!;
        private T[] _batch = [];
        private int _batchIndex;
        private int _batchCount;

        public Enumerator(RealtimeSubscription<T> owner, CancellationToken cancellationToken)
        {
            _owner = owner;
            _cancellationToken = cancellationToken;
        }

        public T Current => _current;

        /// <summary>Events taken from the buffer but not yet read (racy; for <see cref="Count"/>).</summary>
        internal int Remaining => Math.Max(0, Volatile.Read(ref _batchCount) - Volatile.Read(ref _batchIndex));

        public ValueTask<bool> MoveNextAsync()
        {
            var owner = _owner;
            if (_batchIndex < _batchCount)
            {
                if (Volatile.Read(ref owner._disposed) != 0)
                {
                    DropBatch();
                    return new ValueTask<bool>(false);
                }

                YieldFromBatch();
                return new ValueTask<bool>(true);
            }

            lock (owner._sync)
            {
                if (Volatile.Read(ref owner._disposed) != 0)
                {
                    return new ValueTask<bool>(false);
                }

                if (owner._count > 0)
                {
                    TakeBatchLocked();
                    YieldFromBatch();
                    return new ValueTask<bool>(true);
                }

                if (owner._ended)
                {
                    owner.SetCompletion(owner._error);
                    return owner._error is { } error ? ValueTask.FromException<bool>(error) : new ValueTask<bool>(false);
                }

                if (_cancellationToken.IsCancellationRequested)
                {
                    return ValueTask.FromCanceled<bool>(_cancellationToken);
                }

                if (owner._waitingReader is not null)
                {
                    throw new InvalidOperationException("A RealtimeSubscription has a single reader; another enumerator is already waiting.");
                }

                _core.Reset();
                owner._waitingReader = this;

                // Registered under the lock so that whoever ends the wait sees the registration to undo. If the token is
                // cancelled meanwhile, the callback re-enters the lock (it is reentrant) or waits for it.
                if (_cancellationToken.CanBeCanceled)
                {
                    _registration = _cancellationToken.UnsafeRegister(static state => ((Enumerator)state!).Cancel(), this);
                }
            }

            return new ValueTask<bool>(this, _core.Version);
        }

        public ValueTask DisposeAsync()
        {
            var owner = _owner;
            bool wasWaiting;
            lock (owner._sync)
            {
                wasWaiting = ReferenceEquals(owner._waitingReader, this);
                if (wasWaiting)
                {
                    owner._waitingReader = null;
                }

                // Leaving an enumeration early (break out of await foreach) must not lose the events this reader took
                // but did not read: the next enumerator gets them first.
                if (_batchIndex < _batchCount && Volatile.Read(ref owner._disposed) == 0)
                {
                    owner.ReturnToFrontLocked(_batch, _batchIndex, _batchCount - _batchIndex);
                }

                DropBatch();
                if (ReferenceEquals(owner._batchReader, this))
                {
                    owner._batchReader = null;
                    Volatile.Write(ref owner._batchOutstanding, 0);
                    if (owner._ended && owner._count == 0)
                    {
                        owner.SetCompletion(owner._error);
                    }
                }
            }

            // A read still pending on a disposed enumerator ends rather than hanging.
            if (wasWaiting)
            {
                Finish(null);
            }

            _registration.Dispose();
            return default;
        }

        public bool GetResult(short token) => _core.GetResult(token);

        // Caller holds the owner's lock and the buffer is not empty: moves up to _readBatch events (oldest first) into
        // this reader's own array, where it reads them without the lock.
        private void TakeBatchLocked()
        {
            var owner = _owner;
            if (_batch.Length < owner._readBatch)
            {
                _batch = new T[owner._readBatch];
            }

            var items = owner._items;
            var taken = Math.Min(owner._count, owner._readBatch);
            var first = Math.Min(taken, items.Length - owner._head);
            Array.Copy(items, owner._head, _batch, 0, first);
            Array.Clear(items, owner._head, first);
            if (taken > first)
            {
                Array.Copy(items, 0, _batch, first, taken - first);
                Array.Clear(items, 0, taken - first);
            }

            owner._head = (owner._head + taken) % items.Length;
            Volatile.Write(ref owner._count, owner._count - taken);
            _batchIndex = 0;
            Volatile.Write(ref _batchCount, taken);
            owner._batchReader = this;
            Volatile.Write(ref owner._batchOutstanding, 1);
        }

        private void YieldFromBatch()
        {
            _current = _batch[_batchIndex];
            _batch[_batchIndex] = default!;
            Volatile.Write(ref _batchIndex, _batchIndex + 1);
            if (_batchIndex < _batchCount)
            {
                return;
            }

            // The batch is done. If the stream has ended and nothing is left, this reader completes it: the full fence
            // pairs with EndLocked's, so either it sees _batchOutstanding cleared or this sees _ended set (or both).
            var owner = _owner;
            Interlocked.Exchange(ref owner._batchOutstanding, 0);
            if (Volatile.Read(ref owner._ended))
            {
                lock (owner._sync)
                {
                    if (owner._count == 0)
                    {
                        owner.SetCompletion(owner._error);
                    }
                }
            }
        }

        private void DropBatch()
        {
            Array.Clear(_batch);
            _batchIndex = 0;
            _batchCount = 0;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        // The three ways a wait ends; each is called by whoever removed this reader from _waitingReader under the lock,
        // so exactly one of them runs per wait.
        internal void Deliver(T item)
        {
            _registration.Unregister();
            _current = item;
            _core.SetResult(true);
        }

        internal void Finish(Exception? error)
        {
            _registration.Unregister();
            if (error is null)
            {
                _core.SetResult(false);
            }
            else
            {
                _core.SetException(error);
            }
        }

        private void Cancel()
        {
            lock (_owner._sync)
            {
                if (!ReferenceEquals(_owner._waitingReader, this))
                {
                    return;
                }

                _owner._waitingReader = null;
            }

            _core.SetException(new OperationCanceledException(_cancellationToken));
        }
    }
}
