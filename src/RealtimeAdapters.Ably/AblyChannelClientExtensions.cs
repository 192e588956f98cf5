namespace RealtimeAdapters.Ably;

/// <summary>
/// Ably's own API on any <see cref="IChannelClient"/> whose provider is Ably, decorated or not: the calls reach the
/// <see cref="AblyChannelClient"/> through <c>GetService</c>, and what they return or do goes through the decorators
/// (a channel opened with options is the decorated channel; a detach is measured by telemetry).
/// </summary>
public static class AblyChannelClientExtensions
{
    /// <summary>
    /// The channel <paramref name="name"/> with Ably-specific options (rewind, an encryption key), as
    /// <see cref="AblyChannelClient.GetChannel(string, AblyChannelOptions)"/>, returned through the client's decorators.
    /// </summary>
    /// <param name="client">A channel client of the Ably provider.</param>
    /// <param name="name">The channel name.</param>
    /// <param name="options">The channel's options.</param>
    /// <exception cref="RealtimeNotSupportedException">Another provider stands behind <paramref name="client"/>.</exception>
    /// <exception cref="RealtimeValidationException">The name or the options are invalid, or the channel exists with other options.</exception>
    public static IChannel GetChannel(this IChannelClient client, string name, AblyChannelOptions options)
    {
        var ably = Ably(client);
        if (ReferenceEquals(ably, client))
        {
            return ably.GetChannel(name, options);
        }

        // The provider creates the channel with its options; the decorators then wrap that same channel.
        ably.GetChannel(name, options);
        return client.GetChannel(name);
    }

    /// <summary>The state of a channel (<see cref="AblyChannelClient.GetChannelState"/>).</summary>
    /// <param name="client">A channel client of the Ably provider.</param>
    /// <param name="name">The channel name.</param>
    /// <exception cref="RealtimeNotSupportedException">Another provider stands behind <paramref name="client"/>.</exception>
    public static AblyChannelState GetChannelState(this IChannelClient client, string name) => Ably(client).GetChannelState(name);

    /// <summary>Every channel's state changes from now on (<see cref="AblyChannelClient.WatchChannelStates"/>).</summary>
    /// <param name="client">A channel client of the Ably provider.</param>
    /// <param name="buffer">The watcher's buffer.</param>
    /// <exception cref="RealtimeNotSupportedException">Another provider stands behind <paramref name="client"/>.</exception>
    public static IRealtimeSubscription<AblyChannelStateChange> WatchChannelStates(this IChannelClient client, SubscriptionBufferOptions? buffer = null) =>
        Ably(client).WatchChannelStates(buffer);

    /// <summary>A recovery key for the connection (<see cref="AblyChannelClient.CreateRecoveryKey"/>).</summary>
    /// <param name="client">A channel client of the Ably provider.</param>
    /// <exception cref="RealtimeNotSupportedException">Another provider stands behind <paramref name="client"/>.</exception>
    public static string? CreateRecoveryKey(this IChannelClient client) => Ably(client).CreateRecoveryKey();

    /// <summary>Detaches a channel (<see cref="AblyChannelClient.DetachAsync"/>), measured as the <c>detach</c> operation.</summary>
    /// <param name="client">A channel client of the Ably provider.</param>
    /// <param name="name">The channel name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="RealtimeNotSupportedException">Another provider stands behind <paramref name="client"/>.</exception>
    public static async ValueTask DetachAsync(this IChannelClient client, string name, CancellationToken cancellationToken = default)
    {
        var ably = Ably(client);
        await client.ObserveAsync("detach", async ct =>
        {
            await ably.DetachAsync(name, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The id the server gave the current (or last) connection (<see cref="AblyChannelClient.ConnectionId"/>).</summary>
    /// <param name="client">A channel client of the Ably provider.</param>
    /// <exception cref="RealtimeNotSupportedException">Another provider stands behind <paramref name="client"/>.</exception>
    public static string? GetConnectionId(this IChannelClient client) => Ably(client).ConnectionId;

    private static AblyChannelClient Ably(IChannelClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetRequiredService<AblyChannelClient>();
    }
}
