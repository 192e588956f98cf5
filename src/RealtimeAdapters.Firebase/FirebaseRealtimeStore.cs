using System.Net;
using System.Text.Json;
using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Realtime;

namespace RealtimeAdapters.Firebase;

/// <summary>
/// An <see cref="IRealtimeStore"/> over a Firebase Realtime Database (the hosted service or the emulator) through its
/// REST API and Server-Sent-Events streams, without a vendor SDK. Query results are re-sorted client-side; watches
/// share one stream per (path, query) and derive their events by diff, so reconnects neither repeat nor miss events.
/// </summary>
/// <example><code>
/// await using var store = new FirebaseRealtimeStore(new FirebaseStoreOptions
/// {
///     DatabaseUrl = new Uri("https://my-db.firebaseio.com/"),
///     TokenProvider = ct => tokens.GetIdTokenAsync(ct),
/// });
/// await store.SetAsync("greeting", "hello");
/// </code></example>
public sealed class FirebaseRealtimeStore : IRealtimeStore
{
    /// <summary>The provider name reported in <see cref="Metadata"/>: <c>Firebase</c>.</summary>
    public const string Name = "Firebase";

    private static readonly RealtimeProviderMetadata StoreMetadata = new(
        Name,
        RealtimeCapabilities.Store | RealtimeCapabilities.Queries | RealtimeCapabilities.Transactions |
        RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities);

    private static readonly RealtimeProviderMetadata RealtimeMetadata = new(
        Name,
        RealtimeCapabilities.Store | RealtimeCapabilities.Queries | RealtimeCapabilities.Transactions |
        RealtimeCapabilities.ServerValues | RealtimeCapabilities.Priorities | RealtimeCapabilities.OnDisconnect);

    // The realtime transport (one socket); null when the store uses REST and Server-Sent Events.
    private readonly RealtimeOperations? _realtime;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, FirebaseWatch> _streams = new(StringComparer.Ordinal);
    private readonly PushIdGenerator _pushIds;
    private int _disposed;
    private int _pendingWrites;
    private Task _writeTail = Task.CompletedTask;
    private readonly List<LocalWrite> _localWrites = [];

    /// <summary>Creates a store; nothing is sent until the first operation.</summary>
    /// <param name="options">The settings; checked here.</param>
    /// <exception cref="RealtimeValidationException">A setting is invalid; the message names it.</exception>
    public FirebaseRealtimeStore(FirebaseStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        Options = options;
        Time = options.TimeProvider ?? TimeProvider.System;
        Http = new FirebaseHttp(options, Time);
        ConnectionState = new FirebaseConnection(this);
        _pushIds = new PushIdGenerator(Time);
        if (options.Transport == FirebaseTransport.Realtime)
        {
            _realtime = new RealtimeOperations(new RealtimeClient(this));
        }
    }

    /// <summary>The settings the store runs with.</summary>
    public FirebaseStoreOptions Options { get; }

    /// <inheritdoc />
    public RealtimeProviderMetadata Metadata => _realtime is null ? StoreMetadata : RealtimeMetadata;

    /// <summary>
    /// The database's clock minus the local one, as the realtime transport's last handshake reported it (Firebase's
    /// <c>.info/serverTimeOffset</c>); zero before the first connection and over REST.
    /// </summary>
    public TimeSpan ServerTimeOffset => _realtime?.Client.ServerTimeOffset ?? TimeSpan.Zero;

    /// <inheritdoc />
    public IRealtimeConnection Connection => ConnectionState;

    internal FirebaseConnection ConnectionState { get; }

    /// <summary>The number of writes issued and not yet acknowledged by the database (queued or in flight).</summary>
    public int PendingWriteCount => Volatile.Read(ref _pendingWrites);

    internal FirebaseHttp Http { get; }

    internal TimeProvider Time { get; }

    /// <summary>The number of open streams (one per distinct watched path and query).</summary>
    internal int StreamCount
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count;
            }
        }
    }

    internal FirebaseWatch? FindStream(RealtimeQuery query)
    {
        lock (_lock)
        {
            return _streams.GetValueOrDefault(query.ToString());
        }
    }

    /// <inheritdoc />
    public async ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfDisposed();
        if (_realtime is not null)
        {
            var read = await _realtime.GetAsync(query, cancellationToken).ConfigureAwait(false);
            return new DataSnapshot(query.Path, query.Apply(read), query.Order);
        }

        var parameters = FirebaseHttp.QueryParameters(query);
        parameters.Add(new("format", "export"));
        AddReadTimeout(parameters);
        var (value, _, _) = await Http.SendAsync(HttpMethod.Get, query.Path, null, parameters, null, null, idempotent: true, "read", ConnectionState, cancellationToken)
            .ConfigureAwait(false);

        // Query results arrive as an unordered object: the snapshot re-applies the query to order and cut them.
        return new DataSnapshot(query.Path, query.Apply(value), query.Order);
    }

    /// <summary>
    /// Reads a location shallowly (Firebase's <c>shallow=true</c>), without downloading the data below its children: an
    /// object comes back with each child replaced by <see langword="true"/>, so its children's keys can be listed cheaply;
    /// a leaf comes back whole; a missing location as null. Firebase-specific: not part of <see cref="IRealtimeStore"/>.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The shallow value at <paramref name="path"/>, its children in key order.</returns>
    /// <exception cref="RealtimePermissionException">The rules do not allow the read.</exception>
    /// <exception cref="RealtimeConnectionException">The database could not be reached (after the retries).</exception>
    /// <example><code>
    /// var rooms = await store.GetShallowAsync("rooms");
    /// foreach (var room in rooms.Children) Console.WriteLine(room.Key);
    /// </code></example>
    public async ValueTask<DataSnapshot> GetShallowAsync(RealtimePath path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ThrowIfDisposed();
        var parameters = new List<KeyValuePair<string, string>> { new("shallow", "true") };
        AddReadTimeout(parameters);
        var (value, _, _) = await Http.SendAsync(HttpMethod.Get, path, null, parameters, null, null, idempotent: true, "shallow read", ConnectionState, cancellationToken)
            .ConfigureAwait(false);
        return new DataSnapshot(path, value);
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();
        WriteValidation.ValidateWrite(path, value);
        var body = value.ToUtf8Json(export: true);
        var idempotent = !ContainsIncrement(value);
        var local = NewLocalWrite([(path, value)]);

        // A compensated server value needs the database's result to replace the estimate, so the write is not silent.
        var parameters = local is not null && value.ContainsServerValues ? Printed : Silent;
        DataNode? result = null;
        await CompensatedAsync(
            local,
            async () =>
            {
                if (_realtime is not null)
                {
                    await RealtimeWriteAsync(ct => _realtime.PutAsync(path, value, priorityOnly: false, ct), cancellationToken).ConfigureAwait(false);
                    return null;
                }

                await WriteAsync(
                    async ct => result = (await Http.SendAsync(HttpMethod.Put, path, null, parameters, body, null, idempotent, "write", ConnectionState, ct).ConfigureAwait(false)).Value,
                    idempotent,
                    cancellationToken).ConfigureAwait(false);
                return [result!];
            }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(updates);
        ThrowIfDisposed();
        var parsed = ParseUpdate(path, updates);
        if (parsed.Count == 0)
        {
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            var idempotent = true;
            foreach (var (relative, value) in parsed)
            {
                writer.WritePropertyName(string.Join('/', relative.Segments));
                value.WriteTo(writer, export: true);
                idempotent &= !ContainsIncrement(value);
            }

            writer.WriteEndObject();
            writer.Flush();
            var body = buffer.WrittenSpan.ToArray();
            var local = NewLocalWrite([.. parsed.Select(p => (path.Child(p.Path), p.Value))]);
            var printed = local is not null && local.HasServerValues;
            DataNode? result = null;
            await CompensatedAsync(
                local,
                async () =>
                {
                    if (_realtime is not null)
                    {
                        await RealtimeWriteAsync(ct => _realtime.MergeAsync(path, parsed, ct), cancellationToken).ConfigureAwait(false);
                        return null;
                    }

                    await WriteAsync(
                        async ct => result = (await Http.SendAsync(HttpMethod.Patch, path, null, printed ? Printed : Silent, body, null, idempotent, "update", ConnectionState, ct,
                            parse: printed ? ParseUpdateEcho : null).ConfigureAwait(false)).Value,
                        idempotent,
                        cancellationToken).ConfigureAwait(false);
                    return [.. parsed.Select(p => result!.GetAt(p.Path))];
                }).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();

        // A client-side id written with PUT: a retried push writes the same child again instead of adding a second one.
        var path = parent.Child(_pushIds.Next());
        await SetAsync(path, value, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <inheritdoc />
    public async ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(priority);
        ThrowIfDisposed();
        if (priority.Kind is DataNodeKind.Boolean or DataNodeKind.Object)
        {
            throw new RealtimeValidationException($"Invalid priority {priority} at {path}: a priority is a string, a finite number, a server value or null.", path.ToString());
        }

        var body = priority.WithoutPriority().ToUtf8Json();
        var idempotent = !ContainsIncrement(priority);
        var local = NewLocalWrite([(path, priority.WithoutPriority())], isPriority: true);
        var parameters = local is not null && priority.ContainsServerValues ? Printed : Silent;
        DataNode? result = null;
        await CompensatedAsync(
            local,
            async () =>
            {
                if (_realtime is not null)
                {
                    await RealtimeWriteAsync(ct => _realtime.PutAsync(path, priority.WithoutPriority(), priorityOnly: true, ct), cancellationToken).ConfigureAwait(false);
                    return null;
                }

                await WriteAsync(
                    async ct => result = (await Http.SendAsync(HttpMethod.Put, path, ".priority", parameters, body, null, idempotent, "priority write", ConnectionState, ct)
                        .ConfigureAwait(false)).Value,
                    idempotent,
                    cancellationToken).ConfigureAwait(false);
                return [result!];
            }).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(update);
        ThrowIfDisposed();
        options ??= TransactionOptions.Default;
        if (options.MaxAttempts < 1)
        {
            throw new RealtimeValidationException($"Invalid transaction options: MaxAttempts must be at least 1 (got {options.MaxAttempts}).", nameof(options.MaxAttempts));
        }

        if (_realtime is not null)
        {
            return await RunRealtimeTransactionAsync(_realtime, path, update, options, cancellationToken).ConfigureAwait(false);
        }

        var export = new List<KeyValuePair<string, string>> { new("format", "export") };
        AddReadTimeout(export);
        var (first, firstTag, _) = await Http.SendAsync(HttpMethod.Get, path, null, export, null, static r => r.Headers.TryAddWithoutValidation("X-Firebase-ETag", "true"),
            idempotent: true, "transaction read", ConnectionState, cancellationToken).ConfigureAwait(false);
        return await RunTransactionLoopAsync(path, update, options, first, firstTag, async (value, tag, ct) =>
        {
            var (written, newTag, status) = await Http.SendAsync(HttpMethod.Put, path, null, null, value.ToUtf8Json(export: true),
                r => r.Headers.TryAddWithoutValidation("if-match", tag), idempotent: false, "transaction write", ConnectionState, ct, allowConflict: true)
                .ConfigureAwait(false);

            // A 412 carries the current value and its ETag: the update runs again on it without another read.
            return status != HttpStatusCode.PreconditionFailed
                ? new TransactionAttempt(true, value.ContainsServerValues ? written : value, [written], DataNode.Null, string.Empty)
                : new TransactionAttempt(false, DataNode.Null, null, written, newTag);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a multi-path update (<see cref="WriteValidation.ValidateUpdate"/>): its entries as relative paths and values.</summary>
    private static List<(RealtimePath Path, DataNode Value)> ParseUpdate(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates) =>
        [.. WriteValidation.ValidateUpdate(path, updates).Select(static e => (e.Relative, e.Value))];

    /// <summary>Lays a transaction's attempt over the watches in the place of the previous one (or takes that out); returns what is laid now.</summary>
    private LocalWrite? LayTransactionAttempt(LocalWrite? previous, LocalWrite? next)
    {
        if (next is null)
        {
            if (previous is not null)
            {
                WithdrawLocalWrite(previous);
            }

            return null;
        }

        foreach (var s in previous is null ? TrackLocalWrite(next, add: true) : ReplaceLocalWrite(previous, next))
        {
            if (previous is null)
            {
                s.AddWrite(next);
            }
            else
            {
                s.ReplaceWrite(previous, next);
            }
        }

        return next;
    }

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

    /// <inheritdoc />
    public async ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ThrowIfDisposed();
        cancellationToken.ThrowIfCancellationRequested();
        options ??= WatchOptions.Default;
        var key = query.ToString();
        while (true)
        {
            FirebaseWatch stream;
            lock (_lock)
            {
                ThrowIfDisposed();
                if (!_streams.TryGetValue(key, out stream!))
                {
                    List<LocalWrite> overlay = [.. _localWrites.Where(w => w.Touches(query.Path))];
                    stream = _realtime is null
                        ? new FirebaseStream(this, query, key, overlay)
                        : new RealtimeWatch(this, _realtime.Client, query, key, overlay);
                    _streams.Add(key, stream);
                }
            }

            RealtimeSubscription<StoreEvent>? subscription = null;
            subscription = new RealtimeSubscription<StoreEvent>(options.Buffer, () =>
            {
                stream.Remove(subscription!);
                return default;
            });
            if (stream.TryAdd(subscription, options.Events, out var first))
            {
                if (first)
                {
                    stream.Start();
                }

                // Writes made after WatchAsync returns must be reported relative to the state at the watch's start, so
                // wait for the stream's first full value (errors end the subscription and surface when it is read), but
                // no longer than RequestTimeout: an unreachable database is reported, not waited for forever.
                try
                {
                    await stream.Initial.WaitAsync(Options.RequestTimeout, Time, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await subscription.DisposeAsync().ConfigureAwait(false);
                    throw new RealtimeConnectionException(
                        $"The watch of {query.Path} got no value from Firebase within {Options.RequestTimeout} (the database is unreachable or slow); " +
                        "the store keeps reconnecting, see its connection state.")
                    {
                        ProviderName = Name,
                        IsRetryable = true,
                    };
                }
                catch (OperationCanceledException)
                {
                    await subscription.DisposeAsync().ConfigureAwait(false);
                    throw;
                }

                return subscription;
            }
        }
    }

    /// <summary>
    /// Registers a write the database performs when this store's realtime connection is lost (Firebase's
    /// <c>onDisconnect</c>); see <see cref="OnDisconnectOperation"/>. The database checks it against its rules now and
    /// runs it once, when the socket closes or is found dead. A store that reconnects has lost its earlier registrations
    /// (they ran): register them again when <see cref="Connection"/> reports <see cref="RealtimeAdapters.ConnectionState.Connected"/>.
    /// Over <see cref="FirebaseTransport.RestStreaming"/> the database cannot tell when the client goes away: this throws
    /// <see cref="RealtimeNotSupportedException"/>.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the registration (while it waits for a connection, or for the answer).</param>
    public async ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(operation);
        ThrowIfDisposed();
        if (_realtime is null)
        {
            throw new RealtimeNotSupportedException(Name, RealtimeCapabilities.OnDisconnect);
        }

        switch (operation.Kind)
        {
            case OnDisconnectOperationKind.Set:
                WriteValidation.ValidateWrite(path, operation.Value);
                break;
            case OnDisconnectOperationKind.Update:
                ParseUpdate(path, operation.Updates!);
                break;
        }

        await _realtime.OnDisconnectAsync(path, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType == typeof(FirebaseStoreOptions) ? Options
            : serviceType == typeof(JsonSerializerOptions) ? Options.JsonSerializerOptions
            : null;
    }

    /// <summary>Closes every stream, ends every watch and releases the HTTP client (when the store created it). Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        ConnectionState.Transition(RealtimeAdapters.ConnectionState.Closing);
        List<FirebaseWatch> streams;
        lock (_lock)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var s in streams)
        {
            s.End(null);
        }

        if (_realtime is not null)
        {
            await _realtime.Client.DisposeAsync().ConfigureAwait(false);
        }

        Http.Dispose();
        ConnectionState.Transition(RealtimeAdapters.ConnectionState.Closed);
    }

    internal void ForgetWatch(FirebaseWatch stream)
    {
        lock (_lock)
        {
            if (_streams.TryGetValue(stream.Key, out var current) && ReferenceEquals(current, stream))
            {
                _streams.Remove(stream.Key);
            }
        }
    }

    internal async ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (_realtime is not null)
        {
            await _realtime.Client.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);

            // The connect call reported Connecting for the store's own requests: the socket answered for them.
            ConnectionState.Transition(RealtimeAdapters.ConnectionState.Connected);
            return;
        }

        try
        {
            await Http.SendAsync(HttpMethod.Get, RealtimePath.Root, null, [new("shallow", "true")], null, null, idempotent: true, "connection check", ConnectionState, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (RealtimeConnectionException ex)
        {
            ConnectionState.Transition(RealtimeAdapters.ConnectionState.Disconnected, ex);
            throw;
        }
        catch (RealtimeException)
        {
            // Any answer, even a refusal of the root, shows the database is reachable.
            ConnectionState.Transition(RealtimeAdapters.ConnectionState.Connected);
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

    /// <summary>
    /// The local write to lay over the watches for these entries, or <see langword="null"/> when the write is not
    /// compensated: compensation is off, or a priority in it is a server value (its result is not reported back).
    /// </summary>
    private LocalWrite? NewLocalWrite(IReadOnlyList<(RealtimePath Path, DataNode Value)> entries, bool isPriority = false)
    {
        if (!Options.LatencyCompensation || entries.Any(static e => HasServerValuePriority(e.Value)))
        {
            return null;
        }

        return new LocalWrite(entries, Time.GetUtcNow().ToUnixTimeMilliseconds(), isPriority);
    }

    private static bool HasServerValuePriority(DataNode value) =>
        value.ContainsServerValues && (value.Priority.Kind == DataNodeKind.ServerValue || value.Children.Values.Any(HasServerValuePriority));

    /// <summary>
    /// Runs a write with latency compensation when <paramref name="local"/> is set: laid over the open watches before it is
    /// sent, confirmed (with the database's results for its server values) when the call succeeds, rolled back when it
    /// fails (the error still reaches the caller).
    /// </summary>
    private async Task CompensatedAsync(LocalWrite? local, Func<Task<IReadOnlyList<DataNode>?>> write)
    {
        if (local is null)
        {
            await write().ConfigureAwait(false);
            return;
        }

        foreach (var s in TrackLocalWrite(local, add: true))
        {
            s.AddWrite(local);
        }

        IReadOnlyList<DataNode>? results;
        try
        {
            results = await write().ConfigureAwait(false);
        }
        catch
        {
            WithdrawLocalWrite(local);
            throw;
        }

        ConfirmLocalWrite(local, results);
    }

    /// <summary>Takes a write that did not land out of the watches it was laid over (they report the rollback).</summary>
    private void WithdrawLocalWrite(LocalWrite local)
    {
        foreach (var s in TrackLocalWrite(local, add: false))
        {
            s.RemoveWrite(local);
        }
    }

    /// <param name="local">The write.</param>
    /// <param name="results">
    /// The database's results for its server values, when the transport reports them (REST); the realtime protocol does
    /// not, and the write's echo on the watches shows them instead.
    /// </param>
    private void ConfirmLocalWrite(LocalWrite local, IReadOnlyList<DataNode>? results)
    {
        if (local.HasServerValues && results is not null)
        {
            local.Confirm(results);
        }

        local.Acknowledge();
        foreach (var s in TrackLocalWrite(local, add: false))
        {
            s.Acknowledge(local);
        }
    }

    // Adding to the list and listing the streams happen under one lock, so a stream opened meanwhile gets the write
    // exactly once: from the list when it is created, or from the caller after.
    private List<FirebaseWatch> TrackLocalWrite(LocalWrite write, bool add)
    {
        lock (_lock)
        {
            if (add)
            {
                _localWrites.Add(write);
            }
            else
            {
                _localWrites.Remove(write);
            }

            return [.. _streams.Values.Where(s => write.Touches(s.Query.Path))];
        }
    }

    private List<FirebaseWatch> ReplaceLocalWrite(LocalWrite write, LocalWrite replacement)
    {
        lock (_lock)
        {
            var index = _localWrites.IndexOf(write);
            if (index >= 0)
            {
                _localWrites[index] = replacement;
            }

            return [.. _streams.Values.Where(s => write.Touches(s.Query.Path))];
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

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
