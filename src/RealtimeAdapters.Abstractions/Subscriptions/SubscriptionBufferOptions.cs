namespace RealtimeAdapters;

/// <summary>
/// The buffer between a source (writes, published messages) and one subscriber. Sources never wait for a subscriber:
/// events are queued, and when <see cref="Capacity"/> events are waiting, <see cref="OverflowPolicy"/> decides.
/// </summary>
public sealed record SubscriptionBufferOptions
{
    /// <summary>The default capacity: 100,000 events.</summary>
    public const int DefaultCapacity = 100_000;

    /// <summary>The defaults: <see cref="DefaultCapacity"/> and <see cref="BufferOverflowPolicy.Fail"/>.</summary>
    public static SubscriptionBufferOptions Default { get; } = new();

    /// <summary>How many events may wait for the reader; <see langword="null"/> for no limit.</summary>
    public int? Capacity { get; init; } = DefaultCapacity;

    /// <summary>What happens when the buffer is full.</summary>
    public BufferOverflowPolicy OverflowPolicy { get; init; } = BufferOverflowPolicy.Fail;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when the capacity is not positive.</summary>
    public void Validate()
    {
        if (Capacity is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "The buffer capacity must be at least 1, or null for no limit.");
        }
    }
}
