namespace RealtimeAdapters;

/// <summary>What a subscription does when its reader is slower than its source and the buffer is full.</summary>
public enum BufferOverflowPolicy
{
    /// <summary>End the subscription with <see cref="SubscriptionOverflowException"/>: nothing is lost silently. The default.</summary>
    Fail,

    /// <summary>Discard the oldest buffered event to make room (for streams where only recent events matter, such as positions).</summary>
    DropOldest,
}
