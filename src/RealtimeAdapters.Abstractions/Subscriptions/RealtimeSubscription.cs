using System.Threading.Channels;

namespace RealtimeAdapters;

/// <summary>
/// The standard <see cref="IRealtimeSubscription{T}"/> for provider authors: a per-subscriber queue that a source writes
/// to without ever waiting (<see cref="TryWrite"/>), with the overflow policy of <see cref="SubscriptionBufferOptions"/>
/// applied when the reader falls behind. Single reader; any number of writers.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class RealtimeSubscription<T> : IRealtimeSubscription<T>
{
    private readonly Channel<T> _queue;
    private readonly int? _capacity;
    private readonly Func<ValueTask>? _onDispose;
    private int _disposed;

    /// <summary>Creates a subscription.</summary>
    /// <param name="buffer">Capacity and overflow policy; <see cref="SubscriptionBufferOptions.Default"/> when omitted.</param>
    /// <param name="onDispose">Called once when the subscriber disposes the subscription (to unregister it from the source).</param>
    public RealtimeSubscription(SubscriptionBufferOptions? buffer = null, Func<ValueTask>? onDispose = null)
    {
        buffer ??= SubscriptionBufferOptions.Default;
        buffer.Validate();
        _capacity = buffer.Capacity;
        _onDispose = onDispose;
        _queue = buffer.Capacity is not { } capacity
            ? // Not SingleReader: the single-reader unbounded channel cannot report Count.
            Channel.CreateUnbounded<T>(new UnboundedChannelOptions { AllowSynchronousContinuations = false })
            : Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
            {
                SingleReader = true,
                AllowSynchronousContinuations = false,
                FullMode = buffer.OverflowPolicy == BufferOverflowPolicy.DropOldest ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            });
    }

    /// <inheritdoc />
    public Task Completion => _queue.Reader.Completion;

    /// <summary>How many events wait for the reader.</summary>
    public int Count => _queue.Reader.Count;

    /// <summary>Whether the subscription still accepts events.</summary>
    public bool IsActive => !_queue.Reader.Completion.IsCompleted && Volatile.Read(ref _disposed) == 0;

    /// <summary>
    /// Queues an event without waiting. When the buffer is full under <see cref="BufferOverflowPolicy.Fail"/>, the
    /// subscription ends with <see cref="SubscriptionOverflowException"/> (the reader still gets the events queued before).
    /// </summary>
    /// <param name="item">The event.</param>
    /// <returns><see langword="false"/> when the subscription has ended and the event was not queued.</returns>
    public bool TryWrite(T item)
    {
        if (_queue.Writer.TryWrite(item))
        {
            return true;
        }

        if (_capacity is { } capacity)
        {
            _queue.Writer.TryComplete(new SubscriptionOverflowException(
                $"The subscriber fell {capacity} events behind and its buffer overflowed; the subscription has ended. " +
                "Read faster, raise SubscriptionBufferOptions.Capacity, or use BufferOverflowPolicy.DropOldest."));
        }

        return false;
    }

    /// <summary>Ends the stream: normally, or with an error the reader will see after the queued events.</summary>
    /// <param name="error">The error, or <see langword="null"/> for a normal end.</param>
    /// <returns><see langword="false"/> when it had already ended.</returns>
    public bool Complete(Exception? error = null) => _queue.Writer.TryComplete(error);

    /// <inheritdoc />
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (Volatile.Read(ref _disposed) == 0 && reader.TryRead(out var item))
            {
                yield return item;
            }

            if (Volatile.Read(ref _disposed) != 0)
            {
                yield break;
            }
        }
    }

    /// <summary>Unsubscribes: the stream ends and the source is told (once).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (_onDispose is not null)
        {
            await _onDispose().ConfigureAwait(false);
        }
    }
}
