namespace RealtimeAdapters.InMemory;

/// <summary>
/// An <see cref="IRealtimeStore"/> over an <see cref="InMemoryDatabase"/>, either its own or one shared with other
/// stores (several "clients" of one backend) or with the emulator. A strict fake of the Firebase Realtime Database for
/// tests and embedded use: the same normalisation, validation, ordering, server values, transactions and live query
/// windows, applied synchronously.
/// </summary>
/// <remarks>
/// <para>
/// <b>Buffering.</b> Every watch has its own <see cref="RealtimeSubscription{T}"/> buffer between the database and the
/// reader: writers queue events with a non-blocking write and never wait for a subscriber, so a slow reader delays no
/// one else. By default (<see cref="SubscriptionBufferOptions.Default"/>) up to
/// <see cref="SubscriptionBufferOptions.DefaultCapacity"/> (100,000) events may wait; one more ends that subscription with
/// <see cref="SubscriptionOverflowException"/> (<see cref="BufferOverflowPolicy.Fail"/>: nothing is lost silently) after
/// the reader has received the events queued before. Choose a capacity, or <see cref="BufferOverflowPolicy.DropOldest"/>
/// when only recent events matter, in <see cref="WatchOptions.Buffer"/>.
/// </para>
/// <para>
/// <b>Lifetime.</b> The connection is <see cref="ConnectionState.Connected"/> from creation. Closing it (or disposing the
/// store) moves it to <see cref="ConnectionState.Closing"/> then <see cref="ConnectionState.Closed"/>, completes the
/// store's open watches (their readers still receive the events already queued), and from then on every operation
/// throws <see cref="ObjectDisposedException"/>. A shared database is left intact for its other users.
/// </para>
/// <para>
/// <b>Cancellation.</b> Operations complete synchronously; a token already cancelled when an operation is called cancels it
/// before anything is done. A transaction also checks its token between attempts.
/// </para>
/// </remarks>
public sealed class InMemoryRealtimeStore : IRealtimeStore
{
    private const string ProviderName = "InMemory";

    private static readonly RealtimeProviderMetadata StoreMetadata = new(
        ProviderName,
        RealtimeCapabilities.Store | RealtimeCapabilities.Queries | RealtimeCapabilities.Transactions |
        RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities | RealtimeCapabilities.OnDisconnect);

    private readonly InMemoryConnection _connection;
    private readonly DisconnectOperations _onDisconnect = new();
    private readonly Lock _watchesGate = new();
    private readonly HashSet<QueryWatch> _watches = [];
    private bool _watchesClosed;

    /// <summary>Creates a store with its own, empty database.</summary>
    /// <param name="options">The settings; defaults when omitted.</param>
    public InMemoryRealtimeStore(InMemoryStoreOptions? options = null)
        : this(new InMemoryDatabase(ValidTimeProvider(options)))
    {
    }

    /// <summary>Creates a store over a database that other stores or front ends may share.</summary>
    /// <param name="database">The database.</param>
    public InMemoryRealtimeStore(InMemoryDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        Database = database;
        _connection = new InMemoryConnection(
            OnClosing,
            () => new RealtimeConnectionException("The InMemory store has been closed; create a new store to connect again.") { ProviderName = "InMemory" });
    }

    /// <summary>The database this store reads and writes.</summary>
    public InMemoryDatabase Database { get; }

    /// <summary>Provider <c>InMemory</c>, supporting the store, queries, transactions, server values, priorities and on-disconnect writes.</summary>
    public RealtimeProviderMetadata Metadata => StoreMetadata;

    /// <summary>The connection: connected from creation until closed.</summary>
    public IRealtimeConnection Connection => _connection;

    /// <inheritdoc />
    public ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            ArgumentNullException.ThrowIfNull(query);
            return Database.Get(query);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default) =>
        Run(() => Database.Set(path, value), cancellationToken);

    /// <inheritdoc />
    public ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default) =>
        Run(() => Database.Update(path, updates), cancellationToken);

    /// <inheritdoc />
    public ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default) =>
        Run(() => Database.Push(parent, value), cancellationToken);

    /// <inheritdoc />
    public ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default) =>
        Run(() => Database.SetPriority(path, priority), cancellationToken);

    /// <summary>
    /// Runs an optimistic transaction: reads the value, calls <paramref name="update"/> outside any lock, and writes the
    /// result with <see cref="InMemoryDatabase.CompareAndSet"/>; when another write got there first, it tries again on the
    /// newer value, up to <see cref="TransactionOptions.MaxAttempts"/> times. Exceptions thrown by
    /// <paramref name="update"/> end the transaction and reach the caller.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="update">Computes the decision from the current value; may run several times and must have no side effects.</param>
    /// <param name="options">The attempt limit; <see cref="TransactionOptions.Default"/> when omitted.</param>
    /// <param name="cancellationToken">Checked before each attempt.</param>
    /// <returns>Whether it committed, the value afterwards (or, on abort, the value last seen), and the number of attempts.</returns>
    /// <exception cref="RealtimeConflictException">The value kept changing for <see cref="TransactionOptions.MaxAttempts"/> attempts.</exception>
    /// <exception cref="RealtimeValidationException">The attempt limit is below 1, or the new value is too deep.</exception>
    public ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Run(() => RunTransaction(path, update, options ?? TransactionOptions.Default, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default) =>
        Run<IRealtimeSubscription<StoreEvent>>(() => Watch(query, options), cancellationToken);

    /// <summary>
    /// Registers a write the database performs when this store's connection is lost, which for an in-memory store is when
    /// it is closed or disposed (the way a test drops a client); see <see cref="OnDisconnectOperation"/>. The operation is
    /// validated now; it runs once, after every write this store made, as an ordinary write that other stores' watches see.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">A token already cancelled cancels the registration.</param>
    public ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default) =>
        Run(() =>
        {
            if (!_onDisconnect.Register(path, operation))
            {
                throw Closed();
            }
        }, cancellationToken);

    /// <summary>
    /// Returns <see cref="Database"/> for <see cref="InMemoryDatabase"/>, this store for <see cref="InMemoryRealtimeStore"/>
    /// (and the interfaces it implements), otherwise <see langword="null"/>. Keyed requests get <see langword="null"/>.
    /// </summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">An optional key.</param>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(InMemoryDatabase))
        {
            return Database;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Closes the store (see <see cref="IRealtimeConnection.CloseAsync"/>): its watches complete and further operations throw <see cref="ObjectDisposedException"/>.</summary>
    public ValueTask DisposeAsync() => _connection.CloseAsync(CancellationToken.None);

    private static TimeProvider ValidTimeProvider(InMemoryStoreOptions? options)
    {
        var timeProvider = (options ?? new InMemoryStoreOptions()).TimeProvider;
        return timeProvider ?? throw new ArgumentException("InMemoryStoreOptions.TimeProvider must not be null.", nameof(options));
    }

    private TransactionResult RunTransaction(RealtimePath path, Func<DataSnapshot, TransactionDecision> update, TransactionOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxAttempts < 1)
        {
            throw new RealtimeValidationException(
                $"Invalid transaction options: MaxAttempts must be at least 1 (got {options.MaxAttempts}).", nameof(TransactionOptions.MaxAttempts));
        }

        for (var attempt = 1; attempt <= options.MaxAttempts; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfClosed();
            var current = Database.Root.GetAt(path);
            var decision = update(new DataSnapshot(path, current)) ??
                throw new InvalidOperationException($"The transaction function for {path} returned null; return TransactionDecision.Commit or TransactionDecision.Abort.");
            if (decision.IsAbort)
            {
                return new TransactionResult(false, new DataSnapshot(path, current), attempt);
            }

            if (Database.CompareAndSet(path, current, decision.Value!, out var written))
            {
                return new TransactionResult(true, new DataSnapshot(path, written), attempt);
            }
        }

        throw new RealtimeConflictException(
            $"The transaction at {path} gave up after {options.MaxAttempts} attempts: the value kept changing concurrently.")
        {
            ProviderName = ProviderName,
            IsRetryable = true,
        };
    }

    private RealtimeSubscription<StoreEvent> Watch(RealtimeQuery query, WatchOptions? options)
    {
        var watch = Database.AddWatch(query, options, OnWatchRemoved);
        bool closed;
        lock (_watchesGate)
        {
            closed = _watchesClosed;
            if (!closed && !watch.Removed)
            {
                _watches.Add(watch);
            }
        }

        if (closed)
        {
            // The store closed while the watch was being set up: end it like the others.
            EndWatch(watch);
            throw Closed();
        }

        return watch.Subscription!;
    }

    private void OnWatchRemoved(QueryWatch watch)
    {
        lock (_watchesGate)
        {
            _watches.Remove(watch);
        }
    }

    private void OnClosing()
    {
        // The connection is gone: the database runs this store's on-disconnect writes, as the service does for a dropped
        // client, before the store's own watches end.
        foreach (var (path, value) in _onDisconnect.TakeAll())
        {
            try
            {
                Database.Set(path, value);
            }
#pragma warning disable CA1031 // Validated when registered; one failing write (e.g. from a write observer) must not keep the others from running.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        CloseWatches();
    }

    private void CloseWatches()
    {
        QueryWatch[] open;
        lock (_watchesGate)
        {
            _watchesClosed = true;
            open = [.. _watches];
            _watches.Clear();
        }

        // Ended outside the store's lock: removal takes the database lock, which calls back into OnWatchRemoved.
        foreach (var watch in open)
        {
            EndWatch(watch);
        }
    }

    private void EndWatch(QueryWatch watch)
    {
        Database.RemoveWatch(watch);
        watch.Subscription!.Complete();
    }

    private void ThrowIfClosed()
    {
        if (_connection.IsClosing)
        {
            throw Closed();
        }
    }

    private static ObjectDisposedException Closed() =>
        new(nameof(InMemoryRealtimeStore), "The InMemory store has been closed; create a new store.");

    private ValueTask Run(Action action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            action();
            return ValueTask.CompletedTask;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
#pragma warning disable CA1031 // Failures are handed to the caller through the returned task, as an asynchronous method would.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ValueTask.FromException(ex);
        }
    }

    private ValueTask<T> Run<T>(Func<T> action, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            return ValueTask.FromResult(action());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }
#pragma warning disable CA1031 // Failures are handed to the caller through the returned task, as an asynchronous method would.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return ValueTask.FromException<T>(ex);
        }
    }
}
