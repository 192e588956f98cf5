using Chat;
using SampleBackends;

namespace Web;

/// <summary>The chat sessions of the browser tabs connected to this server, on the chat's backend.</summary>
/// <param name="backends">Where clients come from.</param>
/// <param name="kind">The chat's backend.</param>
public sealed class ChatService(Backends backends, BackendKind kind) : IAsyncDisposable
{
    private readonly SessionRegistry<ChatSession> _sessions = new();

    /// <summary>The chat's backend.</summary>
    public BackendKind Kind => kind;

    /// <summary>Why the backend cannot run the chat, or <see langword="null"/>.</summary>
    public string? NotOffered => Backends.ChannelsNotOffered(kind);

    /// <summary>Joins <paramref name="room"/> as <paramref name="user"/> on a connection of their own.</summary>
    /// <param name="room">The room.</param>
    /// <param name="user">The user's name (their client id).</param>
    /// <param name="cancellationToken">Cancels joining.</param>
    public async Task<ChatSession> OpenAsync(string room, string user, CancellationToken cancellationToken)
    {
        var client = backends.CreateChannelClient(kind, user);
        var chat = new ChatRoom(client, room);
        try
        {
            var history = await chat.JoinAsync(cancellationToken: cancellationToken);
            var session = new ChatSession(Guid.NewGuid().ToString("N"), client, chat, history);
            _sessions.Add(session.Id, session);
            return session;
        }
        catch
        {
            await chat.DisposeAsync();
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>The open session with this id, if any.</summary>
    /// <param name="id">The session id.</param>
    public ChatSession? Find(string? id) => _sessions.Find(id);

    /// <summary>Ends a session (the tab went away).</summary>
    /// <param name="id">The session id.</param>
    public Task CloseAsync(string id) => _sessions.CloseAsync(id);

    /// <summary>Ends every session.</summary>
    public ValueTask DisposeAsync() => _sessions.DisposeAsync();
}
