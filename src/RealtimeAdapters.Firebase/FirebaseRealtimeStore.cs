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
public sealed partial class FirebaseRealtimeStore : IRealtimeStore
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
        var local = NewLocalWrite([(path, value)]);
        if (_realtime is not null)
        {
            // Pipelined on the socket: no REST body, no retry chain, and without compensation no closure either.
            if (local is null)
            {
                await RealtimePutAsync(_realtime, path, value, cancellationToken).ConfigureAwait(false);
                return;
            }

            await CompensatedAsync(local, async () =>
            {
                await RealtimePutAsync(_realtime, path, value, cancellationToken).ConfigureAwait(false);
                return null;
            }).ConfigureAwait(false);
            return;
        }

        var body = value.ToUtf8Json(export: true);
        var idempotent = !ContainsIncrement(value);

        // A compensated server value needs the database's result to replace the estimate, so the write is not silent.
        var parameters = local is not null && value.ContainsServerValues ? Printed : Silent;
        DataNode? result = null;
        await CompensatedAsync(
            local,
            async () =>
            {
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

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
