namespace RealtimeAdapters.InMemory;

/// <summary>
/// Settings of an <see cref="InMemoryChannelHub"/> (the in-memory channels backend). The hub reads them once, when it is
/// created; changing them afterwards has no effect on that hub.
/// </summary>
public sealed class InMemoryChannelOptions
{
    /// <summary>The default <see cref="MaxMessageSize"/>: 65536 bytes, Ably's default.</summary>
    public const int DefaultMaxMessageSize = 65536;

    /// <summary>The default <see cref="MaxHistoryPerChannel"/>: 10,000 messages.</summary>
    public const int DefaultMaxHistoryPerChannel = 10_000;

    /// <summary>The clock for message and presence timestamps and for history retention.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// The largest message, in bytes as counted by <see cref="ChannelMessage.GetSize"/> (Ably TM6). Larger messages are
    /// refused with <see cref="MessageTooLargeException"/> (40009). The same limit applies to presence data.
    /// </summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>
    /// How long published messages and presence events stay in history and how long an explicit message id is
    /// remembered for de-duplication. Two minutes by default, Ably's retention without persistence.
    /// </summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The most messages (and, separately, presence events) each channel keeps in history; the oldest go first.
    /// Zero keeps no history.
    /// </summary>
    public int MaxHistoryPerChannel { get; set; } = DefaultMaxHistoryPerChannel;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    /// <exception cref="ArgumentNullException"><see cref="TimeProvider"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public void Validate()
    {
        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider), "InMemoryChannelOptions.TimeProvider must not be null.");
        }

        if (MaxMessageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageSize), MaxMessageSize, "InMemoryChannelOptions.MaxMessageSize must be at least 1 byte.");
        }

        if (HistoryRetention < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(HistoryRetention), HistoryRetention, "InMemoryChannelOptions.HistoryRetention must not be negative.");
        }

        if (MaxHistoryPerChannel < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHistoryPerChannel), MaxHistoryPerChannel, "InMemoryChannelOptions.MaxHistoryPerChannel must not be negative.");
        }
    }
}
