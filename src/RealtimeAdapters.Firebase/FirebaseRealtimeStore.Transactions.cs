using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Realtime;

namespace RealtimeAdapters.Firebase;

// FirebaseRealtimeStore: transactions (one loop for both transports: hash or ETag preconditions, retries on conflict).
public sealed partial class FirebaseRealtimeStore
{
    /// <summary>
    /// A transaction over the realtime socket: read the value, run the update, put the result with the hash of the value
    /// it was computed from; when the value moved on (<c>datastale</c>) read it again and retry. A put whose connection is
    /// lost before its answer fails the transaction (it may have been applied: running the update again could apply it
    /// twice).
    /// </summary>
    private async Task<TransactionResult> RunRealtimeTransactionAsync(
        RealtimeOperations realtime, RealtimePath path, Func<DataSnapshot, TransactionDecision> update, TransactionOptions options, CancellationToken cancellationToken)
    {
        var first = await realtime.GetAsync(RealtimeQuery.At(path), cancellationToken).ConfigureAwait(false);
        return await RunTransactionLoopAsync(path, update, options, first, Protocol.FirebaseHash.Of(first), async (value, hash, ct) =>
        {
            if (await realtime.PutIfUnchangedAsync(path, value, hash!, ct).ConfigureAwait(false))
            {
                // Server values are resolved by the database: read the result back.
                var result = value.ContainsServerValues ? await realtime.GetAsync(RealtimeQuery.At(path), ct).ConfigureAwait(false) : value;
                return new TransactionAttempt(true, result, null, DataNode.Null, string.Empty);
            }

            var current = await realtime.GetAsync(RealtimeQuery.At(path), ct).ConfigureAwait(false);
            return new TransactionAttempt(false, DataNode.Null, null, current, Protocol.FirebaseHash.Of(current));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The optimistic loop both transports share: run the update on the current value, lay the attempt over the watches
    /// (latency compensation; replacing the previous attempt's, taken out when it aborts or fails), and write it only if
    /// the value is still the one it was computed from (<paramref name="write"/>: an ETag over REST, the data hash over
    /// the socket); when it moved on, run again on the newer value, up to <see cref="TransactionOptions.MaxAttempts"/>.
    /// </summary>
    private async Task<TransactionResult> RunTransactionLoopAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions options,
        DataNode current,
        string? precondition,
        Func<DataNode, string?, CancellationToken, Task<TransactionAttempt>> write,
        CancellationToken cancellationToken)
    {
        LocalWrite? local = null;
        try
        {
            for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var snapshot = new DataSnapshot(path, current);
                var decision = update(snapshot) ?? throw new RealtimeValidationException($"The transaction at {path} returned no decision; return Commit or Abort.", path.ToString());
                if (decision.IsAbort)
                {
                    return new TransactionResult(false, snapshot, attempt);
                }

                var value = decision.Value!;
                WriteValidation.ValidateWrite(path, value);
                local = LayTransactionAttempt(local, NewLocalWrite([(path, value)]));
                var outcome = await write(value, precondition, cancellationToken).ConfigureAwait(false);
                if (outcome.Committed)
                {
                    if (local is not null)
                    {
                        ConfirmLocalWrite(local, outcome.ServerResults);
                        local = null;
                    }

                    return new TransactionResult(true, new DataSnapshot(path, outcome.Result), attempt);
                }

                (current, precondition) = (outcome.Current, outcome.Precondition);
            }
        }
        finally
        {
            // An attempt still laid over the watches did not commit: take it out.
            LayTransactionAttempt(local, null);
        }

        throw new RealtimeConflictException($"The transaction at {path} did not commit: the value kept changing for {options.MaxAttempts} attempts.")
        {
            ProviderName = Name,
        };
    }

    /// <summary>One conditional write of a transaction: committed with its result, or refused with the newer value and its precondition.</summary>
    private readonly record struct TransactionAttempt(bool Committed, DataNode Result, IReadOnlyList<DataNode>? ServerResults, DataNode Current, string? Precondition);
}
