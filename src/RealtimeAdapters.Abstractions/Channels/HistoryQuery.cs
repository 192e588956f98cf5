namespace RealtimeAdapters;

/// <summary>A history request: time range, direction, page size.</summary>
public sealed record HistoryQuery
{
    /// <summary>The largest page (1000).</summary>
    public const int MaxLimit = 1000;

    /// <summary>The default page size (100).</summary>
    public const int DefaultLimit = 100;

    /// <summary>The defaults: everything retained, newest first, 100 per page.</summary>
    public static HistoryQuery Default { get; } = new();

    /// <summary>The earliest time included, if any.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>The latest time included, if any.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>The order of results.</summary>
    public HistoryDirection Direction { get; init; } = HistoryDirection.Backwards;

    /// <summary>Items per page, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Only messages published before this client's subscription attached (needs an active subscription; backwards only).</summary>
    public bool UntilAttach { get; init; }

    /// <summary>Throws <see cref="RealtimeValidationException"/> naming the invalid field.</summary>
    /// <exception cref="RealtimeValidationException">The limit is out of range, or the start is after the end.</exception>
    public void Validate()
    {
        if (Limit is < 1 or > MaxLimit)
        {
            throw new RealtimeValidationException($"Invalid history query: limit must be between 1 and {MaxLimit} (got {Limit}).", nameof(Limit)) { ErrorCode = "40003" };
        }

        if (Start is { } s && End is { } e && s > e)
        {
            throw new RealtimeValidationException($"Invalid history query: start ({s:O}) is after end ({e:O}).", nameof(Start)) { ErrorCode = "40003" };
        }

        if (UntilAttach && Direction != HistoryDirection.Backwards)
        {
            throw new RealtimeValidationException("Invalid history query: untilAttach needs direction backwards.", nameof(Direction)) { ErrorCode = "40003" };
        }
    }
}
