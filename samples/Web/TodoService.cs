using SampleBackends;
using TodoList;

namespace Web;

/// <summary>The todo-list sessions of the browser tabs connected to this server, on the list's backend.</summary>
/// <param name="backends">Where clients come from.</param>
/// <param name="kind">The list's backend.</param>
public sealed class TodoService(Backends backends, BackendKind kind) : IAsyncDisposable
{
    private readonly SessionRegistry<TodoSession> _sessions = new();

    /// <summary>The list's backend.</summary>
    public BackendKind Kind => kind;

    /// <summary>Why the backend cannot run the list, or <see langword="null"/>.</summary>
    public string? NotOffered => Backends.StoreNotOffered(kind);

    /// <summary>Opens <paramref name="listId"/> for <paramref name="user"/> on a connection of their own.</summary>
    /// <param name="listId">The list.</param>
    /// <param name="user">The user's name.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public async Task<TodoSession> OpenAsync(string listId, string user, CancellationToken cancellationToken)
    {
        var store = backends.CreateStore(kind);
        var list = new SharedTodoList(store, listId, user);
        try
        {
            await list.StartAsync(cancellationToken);
            var session = new TodoSession(Guid.NewGuid().ToString("N"), store, list);
            _sessions.Add(session.Id, session);
            return session;
        }
        catch
        {
            await list.DisposeAsync();
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>The open session with this id, if any.</summary>
    /// <param name="id">The session id.</param>
    public TodoSession? Find(string? id) => _sessions.Find(id);

    /// <summary>Ends a session (the tab went away).</summary>
    /// <param name="id">The session id.</param>
    public Task CloseAsync(string id) => _sessions.CloseAsync(id);

    /// <summary>Ends every session.</summary>
    public ValueTask DisposeAsync() => _sessions.DisposeAsync();
}
