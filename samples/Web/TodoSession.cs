using RealtimeAdapters;
using TodoList;

namespace Web;

/// <summary>One browser tab on one list: the user's own store client and their <see cref="SharedTodoList"/>.</summary>
public sealed class TodoSession : IAsyncDisposable
{
    private readonly IRealtimeStore _store;

    internal TodoSession(string id, IRealtimeStore store, SharedTodoList list)
    {
        Id = id;
        _store = store;
        List = list;
    }

    /// <summary>The session id the page sends back with each action.</summary>
    public string Id { get; }

    /// <summary>The list, watched.</summary>
    public SharedTodoList List { get; }

    /// <summary>Stops watching and closes the user's connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await List.DisposeAsync();
        await _store.DisposeAsync();
    }
}
