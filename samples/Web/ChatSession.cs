using Chat;
using RealtimeAdapters;

namespace Web;

/// <summary>One browser tab in one chat room: the user's own channel client and their <see cref="ChatRoom"/>.</summary>
public sealed class ChatSession : IAsyncDisposable
{
    private readonly IChannelClient _client;

    internal ChatSession(string id, IChannelClient client, ChatRoom room, IReadOnlyList<ChatLine> history)
    {
        Id = id;
        _client = client;
        Room = room;
        History = history;
    }

    /// <summary>The session id the page sends back with each action.</summary>
    public string Id { get; }

    /// <summary>The room, joined.</summary>
    public ChatRoom Room { get; }

    /// <summary>The messages said before the user joined, oldest first.</summary>
    public IReadOnlyList<ChatLine> History { get; }

    /// <summary>Leaves the room and closes the user's connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await Room.DisposeAsync();
        await _client.DisposeAsync();
    }
}
