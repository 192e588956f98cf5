using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace RealtimeAdapters.Collaboration;

/// <summary>
/// A <see cref="CollaborativeDocument"/> attached to a backend: each local edit is written to the
/// <see cref="IOfflineStore"/> before it is applied (an edit that returned is durable: it survives a crash), applied at
/// once, sent, and removed from the queue once the backend accepted it; edits from other
/// replicas are checked and merged. Starting catches up with what was sent before (history and snapshots over a channel,
/// the snapshot and waiting edits under a store path) and re-sends edits a previous session left in the queue.
/// </summary>
/// <example>
/// <code>
/// await using var session = await CollaborationSession.StartAsync(new CollaborationSessionOptions
/// {
///     Transport = ReplicationTransport.Channel(channelClient, "doc:todos"),
///     OfflineStore = new SqliteOfflineStore("todos.db"),
/// });
/// var todos = session.Document.GetList&lt;Todo&gt;("items");
/// todos.Changed += (_, e) =&gt; Render(todos.Items);
/// todos.Add(new Todo("Buy milk"));
/// </code>
/// </example>
public sealed class CollaborationSession : IAsyncDisposable, IReplicationSink
{
    private readonly ReplicationTransport _transport;
    private readonly IOfflineStore _queue;
    private readonly CollaborationSessionOptions _options;
    private readonly Channel<CrdtOperation> _outbox = Channel.CreateUnbounded<CrdtOperation>();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<CrdtOperation> _pending = [];
    private readonly Lock _flushGate = new();
    private readonly List<TaskCompletionSource<bool>> _flushWaiters = [];
    private ITimer? _retryTimer;
    private Task _loop = Task.CompletedTask;
    private int _pendingCount;
    private int _rejectedCount;
    private volatile bool _disposing;
    private bool _disposed;

    private CollaborationSession(CollaborationSessionOptions options, CollaborativeDocument document, IOfflineStore queue)
    {
        _options = options;
        _transport = options.Transport!;
        _queue = queue;
        Document = document;
    }

    /// <summary>The replicated document.</summary>
    public CollaborativeDocument Document { get; }

    /// <summary>Local edits not yet accepted by the backend.</summary>
    public int PendingCount => Volatile.Read(ref _pendingCount);

    /// <summary>How many operations and snapshots from other replicas were refused.</summary>
    public int RejectedCount => Volatile.Read(ref _rejectedCount);

    /// <summary>The error of the last failed send, or <see langword="null"/> after a successful one.</summary>
    public Exception? LastSendError { get; private set; }

    /// <summary>
    /// Raised when something received is refused (<see cref="OperationRejectedException"/>: malformed, from a newer
    /// version, forged, too far in the future) or background work fails. The document is unchanged by a refused input.
    /// </summary>
    public event EventHandler<CollaborationErrorEventArgs>? ErrorOccurred;

    /// <summary>Starts a session: restores what the queue kept, catches up with the backend, and sends pending edits.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The session, caught up.</returns>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public static async Task<CollaborationSession> StartAsync(CollaborationSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var transport = options.Transport!;
        var queue = options.OfflineStore ?? new InMemoryOfflineStore();
        var kept = await queue.LoadAsync(cancellationToken).ConfigureAwait(false);

        var requested = options.Document;
        var clientId = requested.ClientId;
        if (transport.KnowsClientId)
        {
            if (clientId is not null && !string.Equals(clientId, transport.ClientId, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"CollaborationSessionOptions.Document.ClientId (\"{clientId}\") differs from the channel client's client id; leave it unset.", nameof(options));
            }

            clientId = transport.ClientId;
        }

        var replicaId = requested.ReplicaId ??
            (kept.ReplicaId is { } k && ReplicaIds.IsValid(k) && ReplicaIds.BelongsTo(k, clientId) ? k : ReplicaIds.Create(clientId));
        var document = new CollaborativeDocument(new CollaborativeDocumentOptions
        {
            ClientId = clientId,
            ReplicaId = replicaId,
            TimeProvider = requested.TimeProvider,
            SerializerOptions = requested.SerializerOptions,
            MaxClockDrift = requested.MaxClockDrift,
            TombstoneRetention = requested.TombstoneRetention,
        });

        var session = new CollaborationSession(options, document, queue);
        if (kept.Snapshot is not null)
        {
            document.Merge(DocumentState.ParseSnapshot(kept.Snapshot), ChangeOrigin.Local);
        }

        var stale = new List<string>();
        foreach (var queued in kept.Pending)
        {
            var op = CrdtOperation.Parse(queued.Json);
            try
            {
                document.Apply(op, senderKnown: false, sender: null, ChangeOrigin.Local);
                session._pending.Add(op);
            }
            catch (OperationRejectedException ex) when (ex.Reason == RejectionReason.Stale)
            {
                // Kept offline for longer than the tombstone retention: every replica would refuse it.
                stale.Add(queued.Id);
            }
        }

        if (stale.Count > 0)
        {
            await queue.RemoveAsync(stale, cancellationToken).ConfigureAwait(false);
        }

        session._pendingCount = session._pending.Count;
        await queue.SaveAsync(replicaId, null, cancellationToken).ConfigureAwait(false);
        document.OperationSink = session.OnLocalOperation;
        await transport.StartAsync(session, cancellationToken).ConfigureAwait(false);
        session._loop = Task.Run(session.RunAsync, CancellationToken.None);
        if (session._pending.Count > 0)
        {
            session._wake.Release();
        }

        return session;
    }

    /// <summary>
    /// Sends pending edits now.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Whether every edit made before the call has been accepted by the backend; when not,
    /// <see cref="LastSendError"/> says why and the session retries after <see cref="CollaborationSessionOptions.RetryDelay"/>.</returns>
    public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed || _disposing, this);
        var waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_flushGate)
        {
            _flushWaiters.Add(waiter);
        }

        _wake.Release();
        return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the session: tries a last send of pending edits (for
    /// <see cref="CollaborationSessionOptions.DisposeSendTimeout"/>), keeps the document's state and replica id in the
    /// queue, stops receiving and disposes the queue. Later edits of <see cref="Document"/> stay local.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed || _disposing)
        {
            return;
        }

        _disposing = true;
        Document.OperationSink = null;
        _outbox.Writer.TryComplete();
        _wake.Release();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _retryTimer?.Dispose();
        try
        {
            await _queue.SaveAsync(Document.ReplicaId, Document.ExportSnapshot()).ConfigureAwait(false);
        }
        finally
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
            await _queue.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
            _wake.Dispose();
            _disposed = true;
            CompleteWaiters(false);
        }
    }

    bool IReplicationSink.OnOperation(string json, bool senderKnown, string? sender)
    {
        try
        {
            Document.Apply(CrdtOperation.Parse(json), senderKnown, sender);
            return true;
        }
        catch (OperationRejectedException ex)
        {
            Interlocked.Increment(ref _rejectedCount);
            Report(ex);
            return false;
        }
    }

    void IReplicationSink.OnSnapshot(string json)
    {
        try
        {
            Document.Merge(DocumentState.ParseSnapshot(json));
        }
        catch (OperationRejectedException ex)
        {
            ((IReplicationSink)this).OnRejected(ex);
        }
    }

    void IReplicationSink.OnRejected(OperationRejectedException rejection)
    {
        Interlocked.Increment(ref _rejectedCount);
        Report(rejection);
    }

    string IReplicationSink.ExportSnapshot() => Document.ExportSnapshot();

    long? IReplicationSink.HorizonNow() => Document.HorizonNow();

    void IReplicationSink.OnError(Exception error) => Report(error);

    private void OnLocalOperation(CrdtOperation op)
    {
        // Durable before it is applied (the document applies it when this returns).
        _queue.Enqueue(new QueuedOperation(op.Id.ToString(), op.ToJson()));
        if (_outbox.Writer.TryWrite(op))
        {
            Interlocked.Increment(ref _pendingCount);
            _wake.Release();
        }
    }

    private void Report(Exception error) => ErrorOccurred?.Invoke(this, new CollaborationErrorEventArgs(error));

    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A failed write or send is reported and retried; the loop must go on.")]
    private async Task RunAsync()
    {
        var stop = _stop.Token;
        while (true)
        {
            try
            {
                await _wake.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // The flushes this pass answers: those asked for before it began (their edits are in the outbox now). A flush
            // asked for during the pass waits for the next one, which its wake-up guarantees: a send that started before
            // the caller's conditions changed (the network came back) must not answer it.
            List<TaskCompletionSource<bool>> answering;
            lock (_flushGate)
            {
                answering = [.. _flushWaiters];
                _flushWaiters.Clear();
            }

            var fresh = new List<CrdtOperation>();
            while (_outbox.Reader.TryRead(out var op))
            {
                fresh.Add(op);
            }

            // Already in the queue: each edit was written there before it was applied.
            _pending.AddRange(fresh);

            var finishing = _outbox.Reader.Completion.IsCompleted;
            if (_pending.Count > 0)
            {
                using var timeout = finishing ? new CancellationTokenSource(_options.DisposeSendTimeout, Document.TimeProvider) : null;
                try
                {
                    var sent = _pending.ToList();
                    await _transport.SendAsync(sent, timeout?.Token ?? stop).ConfigureAwait(false);
                    _pending.RemoveRange(0, sent.Count);
                    Interlocked.Add(ref _pendingCount, -sent.Count);
                    LastSendError = null;
                    await _queue.RemoveAsync([.. sent.Select(static o => o.Id.ToString())], CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    LastSendError = ex;
                    if (!finishing)
                    {
                        ScheduleRetry();
                    }
                }
            }

            if (_outbox.Reader.Count == 0)
            {
                foreach (var waiter in answering)
                {
                    waiter.TrySetResult(_pending.Count == 0);
                }
            }
            else
            {
                lock (_flushGate)
                {
                    _flushWaiters.AddRange(answering);
                }

                Nudge();
            }

            if (finishing)
            {
                return;
            }
        }
    }

    private void ScheduleRetry()
    {
        _retryTimer?.Dispose();
        _retryTimer = Document.TimeProvider.CreateTimer(static state => ((CollaborationSession)state!).Nudge(), this, _options.RetryDelay, Timeout.InfiniteTimeSpan);
    }

    private void Nudge()
    {
        if (!_disposed)
        {
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private void CompleteWaiters(bool result)
    {
        List<TaskCompletionSource<bool>> waiters;
        lock (_flushGate)
        {
            waiters = [.. _flushWaiters];
            _flushWaiters.Clear();
        }

        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(result);
        }
    }
}
