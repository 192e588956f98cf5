namespace RealtimeAdapters;

/// <summary>
/// A JSON tree with path listeners and queries (the Firebase Realtime Database model). Writes are validated before they
/// reach the backend; every member honours its cancellation token. Typed helpers live in <see cref="RealtimeStoreExtensions"/>.
/// </summary>
public interface IRealtimeStore : IAsyncDisposable
{
    /// <summary>The provider's name and capabilities.</summary>
    RealtimeProviderMetadata Metadata { get; }

    /// <summary>The connection to the backend and its observable state.</summary>
    IRealtimeConnection Connection { get; }

    /// <summary>Reads the value at a location, or the children a query selects.</summary>
    /// <param name="query">A location (a path converts implicitly) or a query.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The snapshot; <see cref="DataSnapshot.Exists"/> is false when there is nothing there.</returns>
    /// <exception cref="RealtimePermissionException">The backend refuses the read.</exception>
    ValueTask<DataSnapshot> GetAsync(RealtimeQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the value at <paramref name="path"/>. <see cref="DataNode.Null"/> deletes it; emptied ancestors disappear.
    /// Server values (<see cref="ServerValue"/>) are resolved by the backend.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="value">The new value.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    /// <exception cref="RealtimeValidationException">The path and value together are too deep or too large.</exception>
    ValueTask SetAsync(RealtimePath path, DataNode value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies several writes below <paramref name="path"/> atomically: each key is a relative path (one or several
    /// segments) and each value replaces what is there (<see cref="DataNode.Null"/> deletes). Either every write is applied,
    /// or none is.
    /// </summary>
    /// <param name="path">The common location.</param>
    /// <param name="updates">Relative paths and their new values.</param>
    /// <param name="cancellationToken">Cancels the update if it has not been applied.</param>
    /// <exception cref="RealtimeValidationException">A key is invalid, or two keys overlap (one is an ancestor of another).</exception>
    ValueTask UpdateAsync(RealtimePath path, IReadOnlyDictionary<string, DataNode> updates, CancellationToken cancellationToken = default);

    /// <summary>Adds a child under <paramref name="parent"/> with a new chronological push id (<see cref="PushIdGenerator"/>).</summary>
    /// <param name="parent">The parent location.</param>
    /// <param name="value">The child's value.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    /// <returns>The new child's path.</returns>
    ValueTask<RealtimePath> PushAsync(RealtimePath parent, DataNode value, CancellationToken cancellationToken = default);

    /// <summary>Sets the priority of the existing value at <paramref name="path"/> (nothing happens where there is no value).</summary>
    /// <param name="path">The location.</param>
    /// <param name="priority">A number, a string, a server value, or <see cref="DataNode.Null"/> to clear it.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    /// <exception cref="RealtimeNotSupportedException">The provider does not support <see cref="RealtimeCapabilities.Priorities"/>.</exception>
    ValueTask SetPriorityAsync(RealtimePath path, DataNode priority, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the value at <paramref name="path"/>, computes a new one with <paramref name="update"/>, and writes it only if
    /// nothing changed meanwhile; on a conflict the function runs again on the newer value. It may run several times and
    /// must have no side effects.
    /// </summary>
    /// <param name="path">The location.</param>
    /// <param name="update">Computes the decision from the current value.</param>
    /// <param name="options">Retry limit and other settings.</param>
    /// <param name="cancellationToken">Cancels the transaction between attempts.</param>
    /// <returns>Whether it committed, and the value at the end.</returns>
    /// <exception cref="RealtimeConflictException">The value kept changing for <see cref="TransactionOptions.MaxAttempts"/> attempts.</exception>
    /// <exception cref="RealtimeNotSupportedException">The provider does not support <see cref="RealtimeCapabilities.Transactions"/>.</exception>
    ValueTask<TransactionResult> RunTransactionAsync(
        RealtimePath path,
        Func<DataSnapshot, TransactionDecision> update,
        TransactionOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches a location or query. The subscription first yields the current state (a <see cref="StoreEventKind.ChildAdded"/>
    /// for each child in query order, then a <see cref="StoreEventKind.Value"/>), then one batch of events per change:
    /// removals, additions, moves and changes, each with its previous sibling's key, then one value event.
    /// </summary>
    /// <param name="query">A location or a query.</param>
    /// <param name="options">Which events to deliver and the subscriber's buffer.</param>
    /// <param name="cancellationToken">Cancels setting up the watch.</param>
    /// <returns>The subscription; dispose it to stop watching.</returns>
    ValueTask<IRealtimeSubscription<StoreEvent>> WatchAsync(RealtimeQuery query, WatchOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Registers a write the backend performs at <paramref name="path"/> when this client's connection is lost
    /// (<see cref="RealtimeCapabilities.OnDisconnect"/>; Firebase's <c>onDisconnect</c>), or cancels the ones registered
    /// there: see <see cref="OnDisconnectOperation"/> for the rules. The call completes once the backend holds the
    /// operation (validated, and checked against its rules); the returned task failing means it was not registered.
    /// </summary>
    /// <param name="path">The location the operation writes.</param>
    /// <param name="operation">The operation.</param>
    /// <param name="cancellationToken">Cancels the registration.</param>
    /// <exception cref="RealtimeNotSupportedException">The provider does not claim <see cref="RealtimeCapabilities.OnDisconnect"/>.</exception>
    /// <exception cref="RealtimeValidationException">The path or the value is invalid; the message names it.</exception>
    /// <exception cref="RealtimePermissionException">The backend's rules do not allow the write.</exception>
    ValueTask OnDisconnectAsync(RealtimePath path, OnDisconnectOperation operation, CancellationToken cancellationToken = default);

    /// <summary>The escape hatch to provider internals (the raw client, its options), or <see langword="null"/>.</summary>
    /// <param name="serviceType">The requested type.</param>
    /// <param name="serviceKey">An optional key.</param>
    object? GetService(Type serviceType, object? serviceKey = null);
}
