namespace RealtimeAdapters;

/// <summary>Options of a transaction.</summary>
public sealed record TransactionOptions
{
    /// <summary>The default attempt limit (25, as the Firebase admin SDKs use).</summary>
    public const int DefaultMaxAttempts = 25;

    /// <summary>The defaults.</summary>
    public static TransactionOptions Default { get; } = new();

    /// <summary>How many times the update may run before the transaction fails with <see cref="RealtimeConflictException"/>.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;
}
