using System.Collections.Concurrent;
using SampleBackends;
using TodoList;

namespace Web;

/// <summary>The todo-list sessions of the browser tabs connected to this server, on the list's backend.</summary>
/// <param name="backends">Where clients come from.</param>
/// <param name="kind">The list's backend.</param>
public sealed class TodoService(Backends backends, BackendKind kind) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TodoSession> _sessions = new(StringComparer.Ordinal);

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
            _sessions[session.Id] = session;
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
    public TodoSession? Find(string? id) => id is not null && _sessions.TryGetValue(id, out var session) ? session : null;

    /// <summary>Ends a session (the tab went away).</summary>
    /// <param name="id">The session id.</param>
    public async Task CloseAsync(string id)
    {
        if (_sessions.TryRemove(id, out var session))
        {
            await session.DisposeAsync();
        }
    }

    /// <summary>Ends every session.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var id in _sessions.Keys)
        {
            await CloseAsync(id);
        }
    }
}
