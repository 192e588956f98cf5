namespace RealtimeAdapters.InMemory;

/// <summary>
/// Retained messages to deliver to a new hub subscription before live ones, atomically (nothing lost or doubled between
/// the replay and the first live message). Set at most one member: <see cref="AfterSerial"/> to resume after a channel
/// serial (Ably re-attach with <c>channelSerial</c>), or <see cref="LastCount"/> / <see cref="Within"/> to rewind
/// (Ably <c>rewind=N</c> / <c>rewind=10s</c>).
/// </summary>
public sealed record MessageReplay
{
    /// <summary>Replays every retained message after this channel serial (exclusive).</summary>
    public string? AfterSerial { get; init; }

    /// <summary>Replays the last this-many retained messages (before the subscription's filters).</summary>
    public int? LastCount { get; init; }

    /// <summary>Replays the retained messages published within this interval before now.</summary>
    public TimeSpan? Within { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> unless exactly one member is set and it is in range.</summary>
    /// <exception cref="ArgumentException">No member or several are set, or a value is negative.</exception>
    public void Validate()
    {
        var set = (AfterSerial is null ? 0 : 1) + (LastCount is null ? 0 : 1) + (Within is null ? 0 : 1);
        if (set != 1)
        {
            throw new ArgumentException("A MessageReplay sets exactly one of AfterSerial, LastCount and Within.");
        }

        if (LastCount is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LastCount), LastCount, "MessageReplay.LastCount must not be negative.");
        }

        if (Within is { } within && within < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Within), Within, "MessageReplay.Within must not be negative.");
        }
    }
}
