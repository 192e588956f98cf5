using System.Collections.Concurrent;

namespace Web;

/// <summary>The open sessions of one use case (one per browser tab), by id; disposing the registry ends them all.</summary>
/// <typeparam name="TSession">The session type.</typeparam>
public sealed class SessionRegistry<TSession> : IAsyncDisposable
    where TSession : class, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Adds an opened session.</summary>
    /// <param name="id">Its id.</param>
    /// <param name="session">The session.</param>
    public void Add(string id, TSession session) => _sessions[id] = session;

    /// <summary>The open session with this id, if any.</summary>
    /// <param name="id">The session id.</param>
    public TSession? Find(string? id) => id is not null && _sessions.TryGetValue(id, out var session) ? session : null;

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
