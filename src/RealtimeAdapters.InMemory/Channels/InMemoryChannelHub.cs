using System.Collections.Concurrent;
using System.Globalization;

namespace RealtimeAdapters.InMemory;

/// <summary>
/// The in-memory channels backend: every channel with its message history and presence set. Shared by any number of
/// <see cref="InMemoryChannelClient"/>s (each one connection) and by protocol front ends such as the emulator's Ably
/// endpoint, which use the methods below on behalf of their own connections. Thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// <b>Connections.</b> A connection id is an opaque, non-empty string chosen by the caller (or by
/// <see cref="CreateConnectionId"/>). It is stamped on published messages and presence events, drives echo suppression,
/// and keys presence members together with the client id.
/// </para>
/// <para>
/// <b>Serials.</b> Each channel numbers every published message and every presence event with one increasing counter.
/// Its text form (<see cref="ChannelMessage.Serial"/>, <see cref="MessageAttachment.AttachSerial"/>,
/// <see cref="GetChannelSerial"/>) is opaque, sorts ordinally in channel order, and serves as a resume point
/// (<see cref="MessageReplay.AfterSerial"/>) and a history position (<c>fromSerial</c>). Serials are specific to this hub
/// instance: one from another instance is not recognised.
/// </para>
/// <para>
/// <b>Ordering.</b> Publishing, subscribing and presence changes on one channel are serialised by a per-channel lock,
/// and fan-out happens inside it, so every subscriber sees the channel's messages in serial order and a subscription
/// receives exactly the messages published after its attach serial. Fan-out never waits for a subscriber: each has its
/// own <see cref="RealtimeSubscription{T}"/> buffer with its own overflow policy.
/// </para>
/// <para>
/// <b>Message ids.</b> A message without an id gets <c>&lt;connectionId&gt;:&lt;serial&gt;:&lt;index&gt;</c>, where
/// serial is that of the batch's first message and index the message's position in the batch. A message whose id
/// was already published on the channel is accepted but neither stored nor delivered again: explicit ids are remembered
/// for <see cref="InMemoryChannelOptions.HistoryRetention"/>, generated ids while their message is in history.
/// </para>
/// <para>
/// <b>Lifetime of channels.</b> Channels are created on first use. One with nothing left in it — no client holding it
/// (see <see cref="IChannelClient.ReleaseChannelAsync"/>), no subscriber, no presence member, no retained history —
/// is dropped when the hub next tidies up (whenever the number of channels has doubled since the last time), so that
/// many short-lived channels (one per user, say) do not accumulate. A channel created again under the same name
/// continues with serials above the old ones; a resume from an old serial is reported as not continuous.
/// </para>
/// </remarks>
public sealed class InMemoryChannelHub
{
    // Below this many channels the hub never tidies up: a scan would cost more than it saves.
    private const int MinSweepCount = 1024;

    private readonly ConcurrentDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);
    private long _connectionCount;
    private long _serialFloor;
    private int _sweepAt = MinSweepCount;
    private int _sweeping;

    /// <summary>Creates a hub.</summary>
    /// <param name="options">The settings, read once; the defaults when omitted.</param>
    /// <exception cref="ArgumentException">A setting is invalid (see <see cref="InMemoryChannelOptions.Validate"/>).</exception>
    public InMemoryChannelHub(InMemoryChannelOptions? options = null)
    {
        options ??= new InMemoryChannelOptions();
        options.Validate();
        Options = options;
        TimeProvider = options.TimeProvider;
        MaxMessageSize = options.MaxMessageSize;
        RetentionTicks = options.HistoryRetention.Ticks;
        MaxHistory = options.MaxHistoryPerChannel;
        Serials = new ChannelSerials();
    }

    /// <summary>The settings the hub was created with.</summary>
    public InMemoryChannelOptions Options { get; }

    /// <summary>The hub's clock (<see cref="InMemoryChannelOptions.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider { get; }

    internal int MaxMessageSize { get; }

    internal long RetentionTicks { get; }

    internal int MaxHistory { get; }

    internal ChannelSerials Serials { get; }

    /// <summary>Returns a new connection id, unique within this hub.</summary>
    public string CreateConnectionId() =>
        string.Create(CultureInfo.InvariantCulture, $"{Serials.Epoch}-{Interlocked.Increment(ref _connectionCount):x}");

    /// <summary>The serial of the channel's latest message or presence event (the channel's current position).</summary>
    /// <param name="channelName">The channel.</param>
    /// <exception cref="RealtimeValidationException">The channel name is invalid (40010).</exception>
    public string GetChannelSerial(string channelName) => Serials.Format(GetState(channelName).Serial);

    /// <summary>
    /// Publishes a batch on behalf of a connection, atomically and in order: the whole batch is validated first
    /// (sizes, client ids), then every message is stamped with an id (unless it has one), the connection id, the client
    /// id, the hub's timestamp and a serial, stored in history and delivered.
    /// </summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="connectionId">The publishing connection.</param>
    /// <param name="clientId">
    /// The connection's client id, or <see langword="null"/> when anonymous (or allowed any client id). When set, a message
    /// may only name this client id; an unnamed message gets it.
    /// </param>
    /// <param name="messages">The batch; an empty batch does nothing.</param>
    /// <returns>The serial given to each message, in input order; <see langword="null"/> for a message skipped as a duplicate (Ably RSL1n).</returns>
    /// <exception cref="RealtimeValidationException">The channel name is invalid (40010), a message names another client id (40012) or has an empty id (40031).</exception>
    /// <exception cref="MessageTooLargeException">A message is over <see cref="InMemoryChannelOptions.MaxMessageSize"/> (40009); nothing was published.</exception>
    public IReadOnlyList<string?> Publish(string channelName, string connectionId, string? clientId, IReadOnlyList<ChannelMessage> messages)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentNullException.ThrowIfNull(messages);
        var serials = new string?[messages.Count];
        while (true)
        {
            var state = GetState(channelName);
            state.ValidateBatch(clientId, messages);
            if (state.Publish(connectionId, clientId, messages, serials))
            {
                return serials;
            }

            Forget(state);
        }
    }

    /// <summary>
    /// Subscribes a connection to a channel's messages. Once this returns, the subscription receives every message
    /// published after <see cref="MessageAttachment.AttachSerial"/>, in order, after the optional replay.
    /// </summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="connectionId">The subscribing connection (for echo suppression).</param>
    /// <param name="options">Event-name filter and buffer; everything with the default buffer when omitted.</param>
    /// <param name="echoMessages">Whether messages published by <paramref name="connectionId"/> are delivered (Ably <c>echo</c>).</param>
    /// <param name="replay">Retained messages to deliver first (resume or rewind), or <see langword="null"/>.</param>
    /// <returns>The subscription with its attach serial.</returns>
    /// <exception cref="RealtimeValidationException">The channel name is invalid (40010).</exception>
    /// <exception cref="ArgumentException">The replay or the buffer options are invalid.</exception>
    public MessageAttachment SubscribeMessages(
        string channelName,
        string connectionId,
        ChannelSubscriptionOptions? options = null,
        bool echoMessages = true,
        MessageReplay? replay = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        replay?.Validate();
        while (true)
        {
            var state = GetState(channelName);
            var subscriber = state.Subscribe(connectionId, echoMessages, options ?? ChannelSubscriptionOptions.Default, replay, null, out var resumed, out var replayed);
            if (subscriber is not null)
            {
                return new MessageAttachment(subscriber.Queue, Serials.Format(subscriber.AttachSerial), resumed, replayed);
            }

            Forget(state);
        }
    }

    /// <summary>Reads one page of a channel's retained messages.</summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="query">
    /// Time range (inclusive), direction and page size; <see cref="HistoryQuery.Default"/> when omitted.
    /// <see cref="HistoryQuery.UntilAttach"/> is a client notion: here pass the subscription's
    /// <see cref="MessageAttachment.AttachSerial"/> as <paramref name="fromSerial"/>.
    /// </param>
    /// <param name="fromSerial">
    /// Where the page starts, inclusive: backwards, the newest serial to include; forwards, the oldest. An attach serial
    /// (untilAttach, ably-js <c>from_serial</c>) or a previous page's <see cref="InMemoryHistoryPage{T}.NextFromSerial"/>.
    /// </param>
    /// <returns>The page and the cursor to the next.</returns>
    /// <exception cref="RealtimeValidationException">The channel name (40010), the query or the serial (40003) is invalid.</exception>
    public InMemoryHistoryPage<ChannelMessage> ReadHistory(string channelName, HistoryQuery? query = null, string? fromSerial = null)
    {
        query = ValidateHistoryQuery(query, fromSerial);
        var state = GetState(channelName);
        var (items, next) = state.ReadHistory(query, ParseFromSerial(fromSerial));
        return new InMemoryHistoryPage<ChannelMessage>(items, next is { } n ? Serials.Format(n) : null);
    }

    /// <summary>
    /// Enters, updates or leaves presence on behalf of a connection. The member is (<paramref name="connectionId"/>,
    /// <see cref="PresenceMessage.ClientId"/>). The event's action says what happened: <see cref="PresenceAction.Enter"/>
    /// when the member was absent (whether entering or updating), <see cref="PresenceAction.Update"/> when it was present,
    /// <see cref="PresenceAction.Leave"/> when it left. A leave without data carries the member's last data.
    /// </summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="connectionId">The member's connection.</param>
    /// <param name="message">Action (enter, update or leave), client id, data, and optionally id and extras; the hub sets connection id and timestamp.</param>
    /// <returns>The event delivered to presence subscribers, or <see langword="null"/> when a member that is not present leaves (nothing happens).</returns>
    /// <exception cref="RealtimeValidationException">No client id (91000), a wildcard client id (40012), another action (40003), or an invalid channel name (40010).</exception>
    /// <exception cref="MessageTooLargeException">The presence data is over the size limit (40009).</exception>
    public PresenceMessage? ApplyPresence(string channelName, string connectionId, PresenceMessage message)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ArgumentNullException.ThrowIfNull(message);
        while (true)
        {
            var state = GetState(channelName);
            state.ValidatePresence(message);
            if (state.TryApplyPresence(connectionId, message, out var evt))
            {
                return evt;
            }

            Forget(state);
        }
    }

    /// <summary>The members present on a channel (action <see cref="PresenceAction.Present"/>), sorted by client id then connection id.</summary>
    /// <param name="channelName">The channel.</param>
    /// <exception cref="RealtimeValidationException">The channel name is invalid (40010).</exception>
    public IReadOnlyList<PresenceMessage> GetPresence(string channelName) => GetState(channelName).GetMembers();

    /// <summary>Subscribes to a channel's presence events, atomically with a snapshot of its members (a presence SYNC).</summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="options">Action filter and buffer; everything with the default buffer when omitted.</param>
    /// <returns>The subscription, the members, and the attach serial.</returns>
    /// <exception cref="RealtimeValidationException">The channel name is invalid (40010).</exception>
    public PresenceAttachment SubscribePresence(string channelName, PresenceSubscriptionOptions? options = null)
    {
        while (true)
        {
            var state = GetState(channelName);
            var subscriber = state.SubscribePresence(options ?? PresenceSubscriptionOptions.Default, null, out var members, out var attachSerial);
            if (subscriber is not null)
            {
                return new PresenceAttachment(subscriber.Queue, members, Serials.Format(attachSerial));
            }

            Forget(state);
        }
    }

    /// <summary>Reads one page of a channel's retained presence events; the parameters are those of <see cref="ReadHistory"/>.</summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="query">Time range, direction and page size.</param>
    /// <param name="fromSerial">Where the page starts, inclusive.</param>
    /// <returns>The page and the cursor to the next.</returns>
    /// <exception cref="RealtimeValidationException">The channel name (40010), the query or the serial (40003) is invalid.</exception>
    public InMemoryHistoryPage<PresenceMessage> ReadPresenceHistory(string channelName, HistoryQuery? query = null, string? fromSerial = null)
    {
        query = ValidateHistoryQuery(query, fromSerial);
        var state = GetState(channelName);
        var (items, next) = state.ReadPresenceHistory(query, ParseFromSerial(fromSerial));
        return new InMemoryHistoryPage<PresenceMessage>(items, next is { } n ? Serials.Format(n) : null);
    }

    /// <summary>
    /// The connection is gone (closed, or lost for good): each of its presence members leaves every channel, with a
    /// <see cref="PresenceAction.Leave"/> event carrying the member's last data. Its message subscriptions are the
    /// caller's to dispose.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <returns>How many members left.</returns>
    public int RemoveConnectionPresence(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        var left = 0;
        foreach (var state in _channels.Values)
        {
            left += state.LeaveConnection(connectionId)?.Count ?? 0;
        }

        return left;
    }

    /// <summary>
    /// Makes the members of <paramref name="connectionId"/> on one channel leave (the connection detached from it), with
    /// <see cref="PresenceAction.Leave"/> events carrying each member's last data.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="channelName">The channel.</param>
    /// <returns>How many members left.</returns>
    /// <exception cref="RealtimeValidationException">The channel name is invalid (40010).</exception>
    public int RemoveConnectionPresence(string connectionId, string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        ChannelNames.Validate(channelName);
        return _channels.TryGetValue(channelName, out var state) ? state.LeaveConnection(connectionId)?.Count ?? 0 : 0;
    }

    /// <summary>How many channels the hub holds now.</summary>
    internal int ChannelCount => _channels.Count;

    /// <summary>Whether the hub holds a channel of this name now (it has not been retired, or was created again).</summary>
    internal bool HoldsChannel(string channelName) => _channels.ContainsKey(channelName);

    /// <summary>The highest serial of a retired channel: channels created later start above it.</summary>
    internal long SerialFloor => Interlocked.Read(ref _serialFloor);

    internal void RaiseSerialFloor(long serial)
    {
        var current = Interlocked.Read(ref _serialFloor);
        while (serial > current)
        {
            var seen = Interlocked.CompareExchange(ref _serialFloor, serial, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    internal ChannelState GetState(string channelName)
    {
        if (_channels.TryGetValue(channelName ?? string.Empty, out var state))
        {
            return state;
        }

        ChannelNames.Validate(channelName);
        Sweep();
        return _channels.GetOrAdd(channelName!, static (name, hub) => new ChannelState(hub, name), this);
    }

    /// <summary>A state found retired: drop it from the map (if still there) so that the next lookup creates a fresh one.</summary>
    internal void Forget(ChannelState retired) => _channels.TryRemove(KeyValuePair.Create(retired.Name, retired));

    // Runs before a channel is created, once the count has doubled since the last run: the scan is O(channels), so its
    // cost per created channel stays constant, and the map holds at most about twice the channels still in use.
    private void Sweep()
    {
        if (_channels.Count < Volatile.Read(ref _sweepAt) || Interlocked.Exchange(ref _sweeping, 1) != 0)
        {
            return;
        }

        try
        {
            var now = TimeProvider.GetUtcNow().UtcTicks;
            foreach (var (_, state) in _channels)
            {
                if (state.TryRetire(now))
                {
                    Forget(state);
                }
            }

            Volatile.Write(ref _sweepAt, Math.Max(MinSweepCount, _channels.Count * 2));
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }

    internal long? ParseFromSerial(string? fromSerial)
    {
        if (fromSerial is null)
        {
            return null;
        }

        return Serials.TryParse(fromSerial, out var serial)
            ? serial
            : throw new RealtimeValidationException(
                $"Invalid history position \"{Printable(fromSerial)}\": not a serial of this hub.",
                fromSerial) { ErrorCode = "40003", StatusCode = 400 };
    }

    private static string Printable(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });

    private static HistoryQuery ValidateHistoryQuery(HistoryQuery? query, string? fromSerial)
    {
        query ??= HistoryQuery.Default;
        query.Validate();
        if (query.UntilAttach && fromSerial is null)
        {
            throw new RealtimeValidationException(
                "Invalid history query: untilAttach needs the subscription's attach serial as fromSerial.",
                nameof(HistoryQuery.UntilAttach)) { ErrorCode = "40003", StatusCode = 400 };
        }

        return query;
    }
}
