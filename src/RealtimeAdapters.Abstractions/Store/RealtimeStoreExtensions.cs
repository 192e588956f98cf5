using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

/// <summary>Typed and convenience helpers over <see cref="IRealtimeStore"/>.</summary>
public static class RealtimeStoreExtensions
{
    /// <summary>Reads the value at a location or query as <typeparamref name="T"/> (see <see cref="DataSnapshot.GetValue{T}(JsonSerializerOptions?)"/>).</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="query">A location or query.</param>
    /// <param name="options">Serializer options; when omitted, the store's own (<see cref="IRealtimeStore.GetService"/> of <see cref="JsonSerializerOptions"/>, e.g. a provider option), else <see cref="RealtimeJson.DefaultOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value, or <c>default</c> when there is none.</returns>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static async ValueTask<T?> GetValueAsync<T>(this IRealtimeStore store, RealtimeQuery query, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var snapshot = await store.GetAsync(query, cancellationToken).ConfigureAwait(false);
        return snapshot.GetValue<T>(options ?? store.SerializerOptions());
    }

    /// <summary>Reads the value at a location or query as <typeparamref name="T"/> with source-generated metadata.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="query">A location or query.</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value, or <c>default</c> when there is none.</returns>
    public static async ValueTask<T?> GetValueAsync<T>(this IRealtimeStore store, RealtimeQuery query, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var snapshot = await store.GetAsync(query, cancellationToken).ConfigureAwait(false);
        return snapshot.GetValue(typeInfo);
    }

    /// <summary>Serializes <paramref name="value"/> and writes it at <paramref name="path"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="value">The value; <see langword="null"/> deletes.</param>
    /// <param name="options">Serializer options; when omitted, the store's own (<see cref="IRealtimeStore.GetService"/> of <see cref="JsonSerializerOptions"/>, e.g. a provider option), else <see cref="RealtimeJson.DefaultOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static ValueTask SetAsync<T>(this IRealtimeStore store, RealtimePath path, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SetAsync(path, DataNode.FromValue(value, options ?? store.SerializerOptions()), cancellationToken);
    }

    /// <summary>Serializes <paramref name="value"/> with source-generated metadata and writes it at <paramref name="path"/>.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="value">The value; <see langword="null"/> deletes.</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    public static ValueTask SetAsync<T>(this IRealtimeStore store, RealtimePath path, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SetAsync(path, DataNode.FromValue(value, typeInfo), cancellationToken);
    }

    /// <summary>Serializes <paramref name="value"/> and adds it under <paramref name="parent"/> with a new push id.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="parent">The parent location.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options; when omitted, the store's own (<see cref="IRealtimeStore.GetService"/> of <see cref="JsonSerializerOptions"/>, e.g. a provider option), else <see cref="RealtimeJson.DefaultOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    /// <returns>The new child's path.</returns>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static ValueTask<RealtimePath> PushAsync<T>(this IRealtimeStore store, RealtimePath parent, T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.PushAsync(parent, DataNode.FromValue(value, options ?? store.SerializerOptions()), cancellationToken);
    }

    /// <summary>Serializes <paramref name="value"/> with source-generated metadata and adds it under <paramref name="parent"/> with a new push id.</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="parent">The parent location.</param>
    /// <param name="value">The value.</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    /// <returns>The new child's path.</returns>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo<T> overload beside the JsonSerializerOptions one, as for SetAsync: the parameter types differ, so calls stay unambiguous.")]
    public static ValueTask<RealtimePath> PushAsync<T>(this IRealtimeStore store, RealtimePath parent, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.PushAsync(parent, DataNode.FromValue(value, typeInfo), cancellationToken);
    }

    /// <summary>Deletes the value at <paramref name="path"/> (emptied ancestors disappear).</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="cancellationToken">Cancels the write if it has not been applied.</param>
    public static ValueTask RemoveAsync(this IRealtimeStore store, RealtimePath path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.SetAsync(path, DataNode.Null, cancellationToken);
    }

    /// <summary>Runs a transaction over a typed value: <paramref name="update"/> returns the new value (<see langword="null"/> deletes).</summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="update">Computes the new value from the current one (<c>default</c> when missing).</param>
    /// <param name="options">Serializer options; when omitted, the store's own (<see cref="IRealtimeStore.GetService"/> of <see cref="JsonSerializerOptions"/>, e.g. a provider option), else <see cref="RealtimeJson.DefaultOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the transaction between attempts.</param>
    /// <returns>Whether it committed, and the value at the end.</returns>
    // Preferred over the overload with TransactionOptions when a call passes a bare null third argument, so that such
    // calls keep binding here as they did before that overload existed.
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    [OverloadResolutionPriority(1)]
    public static ValueTask<TransactionResult> RunTransactionAsync<T>(this IRealtimeStore store, RealtimePath path, Func<T?, T?> update, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default) =>
        RunTransactionAsync(store, path, update, TransactionOptions.Default, options, cancellationToken);

    /// <summary>
    /// Runs a transaction over a typed value with explicit transaction settings (e.g. the attempt limit):
    /// <paramref name="update"/> returns the new value (<see langword="null"/> deletes).
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="update">Computes the new value from the current one (<c>default</c> when missing).</param>
    /// <param name="transactionOptions">Retry limit and other settings; <see cref="TransactionOptions.Default"/> when null.</param>
    /// <param name="options">Serializer options; when omitted, the store's own (<see cref="IRealtimeStore.GetService"/> of <see cref="JsonSerializerOptions"/>, e.g. a provider option), else <see cref="RealtimeJson.DefaultOptions"/>.</param>
    /// <param name="cancellationToken">Cancels the transaction between attempts.</param>
    /// <returns>Whether it committed, and the value at the end.</returns>
    /// <exception cref="RealtimeConflictException">The value kept changing for <see cref="TransactionOptions.MaxAttempts"/> attempts.</exception>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static ValueTask<TransactionResult> RunTransactionAsync<T>(
        this IRealtimeStore store,
        RealtimePath path,
        Func<T?, T?> update,
        TransactionOptions? transactionOptions,
        JsonSerializerOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(update);
        options ??= store.SerializerOptions();
        return store.RunTransactionAsync(
            path,
            current => TransactionDecision.Commit(DataNode.FromValue(update(current.GetValue<T>(options)), options)),
            transactionOptions,
            cancellationToken);
    }

    /// <summary>
    /// Runs a transaction over a typed value with source-generated metadata: <paramref name="update"/> returns the new value
    /// (<see langword="null"/> deletes).
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="update">Computes the new value from the current one (<c>default</c> when missing).</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    /// <param name="cancellationToken">Cancels the transaction between attempts.</param>
    /// <returns>Whether it committed, and the value at the end.</returns>
    /// <exception cref="RealtimeConflictException">The value kept changing for <see cref="TransactionOptions.MaxAttempts"/> attempts.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo<T> overload beside the JsonSerializerOptions one, as for SetAsync: the parameter types differ, so calls stay unambiguous.")]
    public static ValueTask<TransactionResult> RunTransactionAsync<T>(this IRealtimeStore store, RealtimePath path, Func<T?, T?> update, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        RunTransactionAsync(store, path, update, TransactionOptions.Default, typeInfo, cancellationToken);

    /// <summary>
    /// Runs a transaction over a typed value with source-generated metadata and explicit transaction settings:
    /// <paramref name="update"/> returns the new value (<see langword="null"/> deletes).
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="store">The store.</param>
    /// <param name="path">The location.</param>
    /// <param name="update">Computes the new value from the current one (<c>default</c> when missing).</param>
    /// <param name="transactionOptions">Retry limit and other settings; <see cref="TransactionOptions.Default"/> when null.</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    /// <param name="cancellationToken">Cancels the transaction between attempts.</param>
    /// <returns>Whether it committed, and the value at the end.</returns>
    /// <exception cref="RealtimeConflictException">The value kept changing for <see cref="TransactionOptions.MaxAttempts"/> attempts.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo<T> overload beside the JsonSerializerOptions one, as for SetAsync: the parameter types differ, so calls stay unambiguous.")]
    public static ValueTask<TransactionResult> RunTransactionAsync<T>(
        this IRealtimeStore store,
        RealtimePath path,
        Func<T?, T?> update,
        TransactionOptions? transactionOptions,
        JsonTypeInfo<T> typeInfo,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(typeInfo);
        return store.RunTransactionAsync(
            path,
            // A null result serializes as JSON null, which deletes.
            current => TransactionDecision.Commit(DataNode.FromValue(update(current.GetValue(typeInfo))!, typeInfo)),
            transactionOptions,
            cancellationToken);
    }

    /// <summary>
    /// Watches a location or query and calls <paramref name="handler"/> for each event, in order, one at a time. Dispose
    /// the result to stop. If the handler throws or the watch fails, <paramref name="onError"/> (if given) receives the error
    /// and the listener stops.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="query">A location or query.</param>
    /// <param name="handler">Called for each event.</param>
    /// <param name="options">Which events and the buffer.</param>
    /// <param name="onError">Called once if the listener stops with an error.</param>
    /// <param name="cancellationToken">Cancels setting up the watch.</param>
    /// <returns>A handle that stops the listener when disposed.</returns>
    public static async ValueTask<IAsyncDisposable> ListenAsync(
        this IRealtimeStore store,
        RealtimeQuery query,
        Func<StoreEvent, CancellationToken, ValueTask> handler,
        WatchOptions? options = null,
        Action<Exception>? onError = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var subscription = await store.WatchAsync(query, options, cancellationToken).ConfigureAwait(false);
        return CallbackListener.Start(subscription, handler, onError);
    }

    /// <summary>The store's own serializer options, when it has some (a provider option, reachable through decorators).</summary>
    private static JsonSerializerOptions? SerializerOptions(this IRealtimeStore store) => store.GetService(typeof(JsonSerializerOptions)) as JsonSerializerOptions;
}
