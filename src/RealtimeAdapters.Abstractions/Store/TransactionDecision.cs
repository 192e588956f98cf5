namespace RealtimeAdapters;

/// <summary>What a transaction's update function decided: commit a new value, or abort.</summary>
public sealed class TransactionDecision
{
    private static readonly TransactionDecision AbortDecision = new(null);

    private TransactionDecision(DataNode? value) => Value = value;

    /// <summary>The value to write, or <see langword="null"/> when aborting.</summary>
    public DataNode? Value { get; }

    /// <summary>Whether the transaction should stop without writing.</summary>
    public bool IsAbort => Value is null;

    /// <summary>Write <paramref name="value"/> (<see cref="DataNode.Null"/> deletes).</summary>
    /// <param name="value">The new value.</param>
    public static TransactionDecision Commit(DataNode value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value);
    }

    /// <summary>Stop without writing; the result reports <see cref="TransactionResult.Committed"/> = false.</summary>
    public static TransactionDecision Abort() => AbortDecision;
}
