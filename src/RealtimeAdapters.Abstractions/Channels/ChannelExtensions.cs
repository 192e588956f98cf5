using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RealtimeAdapters;

/// <summary>Typed and convenience helpers over <see cref="IChannel"/>.</summary>
public static class ChannelExtensions
{
    /// <summary>Publishes one message.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static ValueTask PublishAsync(this IChannel channel, ChannelMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(message);
        return channel.PublishAsync([message], cancellationToken);
    }

    /// <summary>Publishes one event with a payload.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="name">The event name.</param>
    /// <param name="data">The payload.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static ValueTask PublishAsync(this IChannel channel, string? name, MessageData data, CancellationToken cancellationToken = default) =>
        channel.PublishAsync(new ChannelMessage(name, data), cancellationToken);

    /// <summary>Publishes one event with a serialized payload.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="name">The event name.</param>
    /// <param name="data">The payload.</param>
    /// <param name="options">Serializer options; <see cref="RealtimeJson.DefaultOptions"/> when omitted.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    [RequiresUnreferencedCode(RealtimeJson.ReflectionMessage)]
    [RequiresDynamicCode(RealtimeJson.ReflectionMessage)]
    public static ValueTask PublishAsync<T>(this IChannel channel, string? name, T data, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default) =>
        channel.PublishAsync(new ChannelMessage(name, MessageData.From(data, options)), cancellationToken);

    /// <summary>Publishes one event with a payload serialized with source-generated metadata.</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <param name="name">The event name.</param>
    /// <param name="data">The payload.</param>
    /// <param name="typeInfo">Serializer metadata.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The JsonTypeInfo<T> overload beside the JsonSerializerOptions one, as for the store's SetAsync: the parameter types differ, so calls stay unambiguous.")]
    public static ValueTask PublishAsync<T>(this IChannel channel, string? name, T data, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        channel.PublishAsync(new ChannelMessage(name, MessageData.From(data, typeInfo)), cancellationToken);

    /// <summary>Subscribes to some event names only.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="eventNames">The event names to deliver.</param>
    /// <returns>The subscription.</returns>
    public static ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(this IChannel channel, params string[] eventNames)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.SubscribeAsync(new ChannelSubscriptionOptions { EventNames = eventNames });
    }

    /// <summary>Subscribes to some event names only, cancellably: <c>channel.SubscribeAsync(["joined", "left"], ct)</c>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="eventNames">The event names to deliver.</param>
    /// <param name="cancellationToken">Cancels attaching.</param>
    /// <returns>The subscription.</returns>
    public static ValueTask<IRealtimeSubscription<ChannelMessage>> SubscribeAsync(this IChannel channel, IEnumerable<string> eventNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(eventNames);
        return channel.SubscribeAsync(new ChannelSubscriptionOptions { EventNames = [.. eventNames] }, cancellationToken);
    }

    /// <summary>
    /// Subscribes and calls <paramref name="handler"/> for each message, in order, one at a time. Dispose the result to
    /// unsubscribe. If the handler throws or the subscription fails, <paramref name="onError"/> receives the error and the
    /// listener stops.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="handler">Called for each message.</param>
    /// <param name="options">Event filter and buffer.</param>
    /// <param name="onError">Called once if the listener stops with an error.</param>
    /// <param name="cancellationToken">Cancels attaching.</param>
    /// <returns>A handle that unsubscribes when disposed.</returns>
    public static async ValueTask<IAsyncDisposable> ListenAsync(
        this IChannel channel,
        Func<ChannelMessage, CancellationToken, ValueTask> handler,
        ChannelSubscriptionOptions? options = null,
        Action<Exception>? onError = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var subscription = await channel.SubscribeAsync(options, cancellationToken).ConfigureAwait(false);
        return CallbackListener.Start(subscription, handler, onError);
    }
}
