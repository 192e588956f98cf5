using System.Globalization;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// A hybrid logical clock timestamp: physical milliseconds, a logical counter for events within one millisecond (or
/// while the physical clock lags behind a timestamp already seen), and the replica that made it. Timestamps are unique
/// per replica and totally ordered (wall time, then counter, then replica id, ordinally), which makes
/// last-writer-wins deterministic on every replica.
/// </summary>
/// <param name="WallMilliseconds">Milliseconds since the Unix epoch.</param>
/// <param name="Counter">The logical counter.</param>
/// <param name="ReplicaId">The replica that made the timestamp.</param>
public readonly record struct HybridTimestamp(long WallMilliseconds, int Counter, string ReplicaId) : IComparable<HybridTimestamp>
{
    /// <summary>Compares wall time, then counter, then replica id (ordinal).</summary>
    /// <param name="other">The other timestamp.</param>
    public int CompareTo(HybridTimestamp other)
    {
        var c = WallMilliseconds.CompareTo(other.WallMilliseconds);
        if (c != 0)
        {
            return c;
        }

        c = Counter.CompareTo(other.Counter);
        return c != 0 ? c : string.CompareOrdinal(ReplicaId, other.ReplicaId);
    }

    /// <summary>Whether <paramref name="left"/> is earlier.</summary>
    public static bool operator <(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> is later.</summary>
    public static bool operator >(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> is earlier or equal.</summary>
    public static bool operator <=(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> is later or equal.</summary>
    public static bool operator >=(HybridTimestamp left, HybridTimestamp right) => left.CompareTo(right) >= 0;

    /// <summary>The wire form, <c>wall.counter.replica</c> (the replica id may itself contain dots).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{WallMilliseconds}.{Counter}.{ReplicaId}");

    /// <summary>Parses the wire form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="timestamp">The timestamp.</param>
    /// <returns>Whether the text is a well-formed timestamp with a valid replica id.</returns>
    public static bool TryParse(string? text, out HybridTimestamp timestamp)
    {
        timestamp = default;
        if (text is null)
        {
            return false;
        }

        var first = text.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : text.IndexOf('.', first + 1);
        if (second < 0 ||
            !long.TryParse(text.AsSpan(0, first), NumberStyles.None, CultureInfo.InvariantCulture, out var wall) ||
            !int.TryParse(text.AsSpan(first + 1, second - first - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var counter))
        {
            return false;
        }

        var replica = text[(second + 1)..];
        if (!ReplicaIds.IsValid(replica))
        {
            return false;
        }

        timestamp = new HybridTimestamp(wall, counter, replica);
        return true;
    }
}
