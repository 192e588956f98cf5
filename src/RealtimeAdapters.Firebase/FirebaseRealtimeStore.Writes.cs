using System.Text.Json;
using RealtimeAdapters.Firebase.Internal;

namespace RealtimeAdapters.Firebase;

// FirebaseRealtimeStore: the write pipeline (one write after another, the offline queue, retries over REST, realtime writes).
public sealed partial class FirebaseRealtimeStore
{
    /// <summary>Checks a multi-path update (<see cref="WriteValidation.ValidateUpdate"/>): its entries as relative paths and values.</summary>
    private static List<(RealtimePath Path, DataNode Value)> ParseUpdate(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates) =>
        [.. WriteValidation.ValidateUpdate(path, updates).Select(static e => (e.Relative, e.Value))];

    /// <summary>A write over the realtime socket, counted in <see cref="PendingWriteCount"/> until it is answered.</summary>
    private async Task RealtimeWriteAsync(Func<CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pendingWrites);
        try
        {
            await send(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    /// <summary>A set over the realtime socket, counted in <see cref="PendingWriteCount"/> until it is answered.</summary>
    private async Task RealtimePutAsync(Realtime.RealtimeOperations realtime, RealtimePath path, DataNode value, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pendingWrites);
        try
        {
            await realtime.PutAsync(path, value, priorityOnly: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    private KeyValuePair<string, string>[] Silent => _silent ??= Options.WriteSizeLimit is { } limit
        ? [new("print", "silent"), new("writeSizeLimit", limit)]
        : [new("print", "silent")];

    private KeyValuePair<string, string>[]? _silent;

    private KeyValuePair<string, string>[] Printed => _printed ??= Options.WriteSizeLimit is { } limit ? [new("writeSizeLimit", limit)] : [];

    private KeyValuePair<string, string>[]? _printed;

    private void AddReadTimeout(List<KeyValuePair<string, string>> parameters)
    {
        if (Options.ServerReadTimeout is { } timeout)
        {
            parameters.Add(new("timeout", ((long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms"));
        }
    }

    // A timestamp resolves to the time of whichever attempt lands, so resending is safe; an increment would count twice.
    private static bool ContainsIncrement(DataNode value) =>
        value.ContainsServerValues && value.ToJsonString(export: true).Contains("\"increment\"", StringComparison.Ordinal);

    private async Task WriteAsync(Func<CancellationToken, Task> send, bool idempotent, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pendingWrites);
        try
        {
            if (!Options.QueueWritesWhileOffline)
            {
                await send(cancellationToken).ConfigureAwait(false);
                return;
            }

            // Writes form a chain in issue order: each starts once the one before it was sent (or given up).
            var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task previous;
            lock (_lock)
            {
                previous = _writeTail;
                _writeTail = mine.Task;
            }

            try
            {
                await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
                for (var attempt = 0; ; attempt++)
                {
                    ThrowIfDisposed();
                    try
                    {
                        await send(cancellationToken).ConfigureAwait(false);
                        return;
                    }
                    catch (RealtimeConnectionException ex) when (ex.IsRetryable && idempotent)
                    {
                        var delay = Backoff.Delay(Options, attempt);
                        var wait = Task.Delay(delay, Time, cancellationToken);
                        ConnectionState.Transition(RealtimeAdapters.ConnectionState.Disconnected, ex, Time.GetUtcNow() + delay);
                        await wait.ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                // A write cancelled while waiting must still hold back the ones behind it until its predecessor is done.
                if (previous.IsCompleted)
                {
                    mine.TrySetResult();
                }
                else
                {
                    _ = previous.ContinueWith(static (_, m) => ((TaskCompletionSource)m!).TrySetResult(), mine, CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    /// <summary>Reads the answer to a multi-path update (<c>{"a/b": value, …}</c>, keys being paths) as one tree.</summary>
    private static DataNode ParseUpdateEcho(byte[] bytes)
    {
        using var doc = JsonDocument.Parse(bytes);
        var tree = DataNode.Null;
        if (doc.RootElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                tree = tree.SetAt(RealtimePath.Parse(property.Name), DataNode.FromJson(property.Value));
            }
        }

        return tree;
    }
}
