using System.Text.Json;
using System.Threading.Channels;
using RealtimeAdapters;

namespace Chat;

/// <summary>
/// One user in one chat room: messages are events named <c>message</c> on the channel <c>chat:&lt;room&gt;</c>, the
/// room's history is the channel's history, and who is online (and typing) is the channel's presence, each member's
/// data being <c>{"typing": bool}</c>. Works on any <see cref="IChannelClient"/> that offers history and presence.
/// </summary>
public sealed class ChatRoom : IAsyncDisposable
{
    /// <summary>The event name of chat messages.</summary>
    public const string MessageEvent = "message";

    /// <summary>The longest message, in characters.</summary>
    public const int MaxLength = 2000;

    private readonly IChannelClient _client;
    private readonly IChannel _channel;
    private readonly Channel<ChatEvent> _events = Channel.CreateUnbounded<ChatEvent>(new UnboundedChannelOptions { SingleReader = true });

    // Present members by member key (connection and client id): one user may be present from several connections.
    private readonly Dictionary<string, PresenceMessage> _members = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private IRealtimeSubscription<ChannelMessage>? _messages;
    private IRealtimeSubscription<PresenceMessage>? _presence;
    private Task _pumps = Task.CompletedTask;
    private bool _typing;
    private List<ChatMember> _lastMembers = [];

    /// <summary>Creates the room for the user of <paramref name="client"/> (its client id is the user's name).</summary>
    /// <param name="client">The user's own channel client; it must have a client id. The room does not dispose it.</param>
    /// <param name="room">The room name.</param>
    public ChatRoom(IChannelClient client, string room)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(room);
        UserName = client.ClientId ?? throw new ArgumentException("A chat user needs a client with a client id.", nameof(client));
        _client = client;
        Room = room;
        _channel = client.GetChannel(ChannelName(room));
    }

    /// <summary>The room name.</summary>
    public string Room { get; }

    /// <summary>This user's name.</summary>
    public string UserName { get; }

    /// <summary>Everyone present now, by name.</summary>
    public IReadOnlyList<ChatMember> Members
    {
        get
        {
            lock (_lock)
            {
                return SnapshotMembers();
            }
        }
    }

    /// <summary>The channel behind a room.</summary>
    /// <param name="room">The room name.</param>
    public static string ChannelName(string room) => "chat:" + room;

    /// <summary>
    /// Joins: subscribes to messages and presence, enters presence, and returns the last messages said before this user
    /// arrived (oldest first). Everything said after arrives through <see cref="ReadEventsAsync"/>, with no gap and no
    /// overlap between the two.
    /// </summary>
    /// <param name="historyLimit">How many past messages to return.</param>
    /// <param name="cancellationToken">Cancels joining.</param>
    public async Task<IReadOnlyList<ChatLine>> JoinAsync(int historyLimit = 50, CancellationToken cancellationToken = default)
    {
        _messages = await _channel.SubscribeAsync([MessageEvent], cancellationToken).ConfigureAwait(false);
        _presence = await _channel.Presence.SubscribeAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _channel.Presence.EnterAsync(MemberData(typing: false), cancellationToken).ConfigureAwait(false);

        // Events that arrive while the member list is read are applied after it: each one only restates a member's
        // latest state, so applying it again is harmless.
        var present = await _channel.Presence.GetAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var member in present)
            {
                _members[member.MemberKey] = member;
            }

            PublishMembersIfChanged();
        }

        _pumps = Task.WhenAll(PumpMessagesAsync(_messages), PumpPresenceAsync(_presence));

        // "Until attach": exactly what was published before the subscription above started receiving.
        var history = await _channel.GetHistoryAsync(new HistoryQuery { Limit = historyLimit, UntilAttach = true }, cancellationToken).ConfigureAwait(false);
        return [.. history.Items.Reverse().Select(ToLine)];
    }

    /// <summary>The room's events (messages, member changes) from the join on, in order; ends when the room is disposed.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    public IAsyncEnumerable<ChatEvent> ReadEventsAsync(CancellationToken cancellationToken = default) => _events.Reader.ReadAllAsync(cancellationToken);

    /// <summary>Says something in the room (and stops showing this user as typing).</summary>
    /// <param name="text">The message: 1 to <see cref="MaxLength"/> characters, not only white space.</param>
    /// <param name="cancellationToken">Cancels the wait for the backend's acknowledgement.</param>
    /// <exception cref="ArgumentException">The text is empty or too long.</exception>
    public async Task SendAsync(string text, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            throw new ArgumentException($"A message has 1 to {MaxLength} characters.", nameof(text));
        }

        await _channel.PublishAsync(MessageEvent, MessageData.From(new { text }), cancellationToken).ConfigureAwait(false);
        await SetTypingAsync(false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Shows this user as typing, or not (a presence update, sent only when it changes).</summary>
    /// <param name="typing">Whether the user is typing.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task SetTypingAsync(bool typing, CancellationToken cancellationToken = default)
    {
        if (_typing == typing)
        {
            return;
        }

        _typing = typing;
        await _channel.Presence.UpdateAsync(MemberData(typing), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Leaves the room: the others see this user go; the channel is released on this client.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _channel.Presence.LeaveAsync().ConfigureAwait(false);
        }
        catch (RealtimeException)
        {
            // Already gone (closed connection): the backend removes the member by itself.
        }

        if (_messages is not null)
        {
            await _messages.DisposeAsync().ConfigureAwait(false);
        }

        if (_presence is not null)
        {
            await _presence.DisposeAsync().ConfigureAwait(false);
        }

        await _pumps.ConfigureAwait(false);
        _events.Writer.TryComplete();
        try
        {
            await _client.ReleaseChannelAsync(_channel.Name).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The client went first.
        }
    }

    private async Task PumpMessagesAsync(IRealtimeSubscription<ChannelMessage> messages)
    {
        try
        {
            await foreach (var message in messages)
            {
                _events.Writer.TryWrite(new ChatEvent(ChatEventKind.Message, ToLine(message), null));
            }
        }
        catch (RealtimeException e)
        {
            _events.Writer.TryComplete(e);
        }
    }

    private async Task PumpPresenceAsync(IRealtimeSubscription<PresenceMessage> presence)
    {
        try
        {
            await foreach (var change in presence)
            {
                lock (_lock)
                {
                    if (change.Action == PresenceAction.Leave)
                    {
                        _members.Remove(change.MemberKey);
                    }
                    else
                    {
                        _members[change.MemberKey] = change;
                    }

                    PublishMembersIfChanged();
                }
            }
        }
        catch (RealtimeException e)
        {
            _events.Writer.TryComplete(e);
        }
    }

    // Called under the lock. A presence event that changes nothing visible (a repeated enter, a sync) is not shown.
    private void PublishMembersIfChanged()
    {
        var members = SnapshotMembers();
        if (!members.SequenceEqual(_lastMembers))
        {
            _lastMembers = members;
            _events.Writer.TryWrite(new ChatEvent(ChatEventKind.Members, null, members));
        }
    }

    private List<ChatMember> SnapshotMembers() =>
    [
        .. _members.Values
            .GroupBy(m => m.ClientId, StringComparer.Ordinal)
            .Select(g => new ChatMember(g.Key, g.Any(IsTyping)))
            .OrderBy(m => m.Name, StringComparer.Ordinal),
    ];

    private static MessageData MemberData(bool typing) => MessageData.From(new { typing });

    private static bool IsTyping(PresenceMessage member) =>
        member.Data.Kind == MessageDataKind.Json &&
        member.Data.AsJson() is { ValueKind: JsonValueKind.Object } data &&
        data.TryGetProperty("typing", out var typing) && typing.ValueKind == JsonValueKind.True;

    private static ChatLine ToLine(ChannelMessage message)
    {
        var text = message.Data.Kind switch
        {
            MessageDataKind.Json when message.Data.AsJson() is { ValueKind: JsonValueKind.Object } json &&
                                      json.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String => t.GetString()!,
            MessageDataKind.String => message.Data.AsString(),
            _ => message.Data.ToString(),
        };
        return new ChatLine(message.Id ?? message.Serial ?? string.Empty, message.ClientId ?? "anonymous", text, message.Timestamp);
    }
}
