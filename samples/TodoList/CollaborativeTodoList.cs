using RealtimeAdapters;
using RealtimeAdapters.Collaboration;

namespace TodoList;

/// <summary>One entry of a <see cref="CollaborativeTodoList"/>.</summary>
/// <param name="Id">The entry's stable id.</param>
/// <param name="Title">What to do.</param>
/// <param name="Done">Whether it is done.</param>
public sealed record TodoEntry(string Id, string Title, bool Done);

/// <summary>
/// The shared todo list as a CRDT (<c>RealtimeAdapters.Collaboration</c>): every user edits their own replica at once, on
/// or offline, and the replicas converge whatever the order edits arrive in — concurrent adds, ticks, renames, moves and
/// removals included, with no transaction and no conflict to resolve. Edits travel as messages on the channel
/// <c>todo:&lt;list&gt;</c> of any <see cref="IChannelClient"/> (InMemory, Firebase or Ably); unsent edits wait in a durable
/// queue (SQLite when a file is given), so they survive a restart; a user who joins late catches up from the channel's
/// history and snapshots. The order is a CRDT list of entry ids; each entry's title and done flag are separate registers
/// (two CRDT maps), so a rename and a tick made at the same time by two users both stand.
/// </summary>
public sealed class CollaborativeTodoList : IAsyncDisposable
{
    private readonly CollaborationSession _session;
    private readonly CollaborativeList<string> _order;
    private readonly CollaborativeMap<string> _titles;
    private readonly CollaborativeMap<bool> _done;
    private readonly ConnectionGate _gate;

    private CollaborativeTodoList(CollaborationSession session, ConnectionGate gate, string userName)
    {
        _session = session;
        _gate = gate;
        UserName = userName;
        _order = session.Document.GetList<string>("order");
        _titles = session.Document.GetMap<string>("titles");
        _done = session.Document.GetMap<bool>("done");
        session.Document.Changed += (_, _) => Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Raised after every change to the list, local or remote.</summary>
    public event EventHandler? Changed;

    /// <summary>The user.</summary>
    public string UserName { get; }

    /// <summary>Whether the user is online.</summary>
    public bool IsOnline => _gate.IsOpen;

    /// <summary>The entries in order.</summary>
    public IReadOnlyList<TodoEntry> Items =>
        [.. _order.Items.Select(i => new TodoEntry(i.Value, _titles.TryGetValue(i.Value, out var t) ? t : string.Empty, _done.TryGetValue(i.Value, out var d) && d))];

    /// <summary>Edits made and not yet accepted by the backend.</summary>
    public int PendingEdits => _session.PendingCount;

    /// <summary>Opens <paramref name="listId"/> for the user of <paramref name="client"/>.</summary>
    /// <param name="client">The user's own channel client (its client id is the user); the list does not dispose it.</param>
    /// <param name="listId">The list.</param>
    /// <param name="offlineFile">A SQLite file for the unsent edits (they survive a restart), or <see langword="null"/> to keep them in memory.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    public static async Task<CollaborativeTodoList> OpenAsync(IChannelClient client, string listId, string? offlineFile = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(listId);
        var user = client.ClientId ?? throw new ArgumentException("A todo-list user needs a client with a client id.", nameof(client));
        var gate = new ConnectionGate();
        var session = await CollaborationSession.StartAsync(
            new CollaborationSessionOptions
            {
                Transport = ReplicationTransport.Channel(gate.Wrap(client), "todo:" + listId),
                OfflineStore = offlineFile is null ? null : new SqliteOfflineStore(offlineFile),
                Document = new CollaborativeDocumentOptions { ClientId = user },
                RetryDelay = TimeSpan.FromMilliseconds(250),
            },
            cancellationToken).ConfigureAwait(false);
        return new CollaborativeTodoList(session, gate, user);
    }

    /// <summary>Adds an entry at the end; returns its id.</summary>
    /// <param name="title">What to do.</param>
    public string Add(string title)
    {
        var id = Guid.NewGuid().ToString("N");
        _titles.Set(id, title);
        _done.Set(id, false);
        _order.Add(id);
        return id;
    }

    /// <summary>Marks an entry done or not; false when it was removed.</summary>
    /// <param name="id">The entry.</param>
    /// <param name="done">Done or not.</param>
    public bool SetDone(string id, bool done) => Edit(id, () => _done.Set(id, done));

    /// <summary>Renames an entry; false when it was removed.</summary>
    /// <param name="id">The entry.</param>
    /// <param name="title">The new title.</param>
    public bool Rename(string id, string title) => Edit(id, () => _titles.Set(id, title));

    /// <summary>Moves an entry to <paramref name="index"/>; false when it was removed.</summary>
    /// <param name="id">The entry.</param>
    /// <param name="index">Its new index.</param>
    public bool Move(string id, int index) => Find(id) is { } item && _order.MoveTo(item, index);

    /// <summary>Removes an entry (removal wins over concurrent edits and moves of it).</summary>
    /// <param name="id">The entry.</param>
    public bool Remove(string id) => Find(id) is { } item && _order.Remove(item);

    /// <summary>Goes offline: edits stay local (queued), others' edits wait until <see cref="GoOnlineAsync"/>.</summary>
    public void GoOffline() => _gate.Close();

    /// <summary>Comes back online: receives what others did meanwhile and sends the queued edits.</summary>
    /// <param name="cancellationToken">Cancels the wait for the backend to accept the queued edits.</param>
    /// <returns>Whether every queued edit was accepted.</returns>
    public async Task<bool> GoOnlineAsync(CancellationToken cancellationToken = default)
    {
        _gate.Open();
        return await _session.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends what is queued (edits made while online are sent at once; this waits for them).</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken = default) => await _session.FlushAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Closes the session (queued edits stay in the offline store).</summary>
    public ValueTask DisposeAsync() => _session.DisposeAsync();

    // The list item that holds the entry id, or null once removed.
    private string? Find(string id) => _order.Items.FirstOrDefault(i => i.Value == id) is { Id: { } item } ? item : null;

    private bool Edit(string id, Action change)
    {
        if (Find(id) is null)
        {
            return false;
        }

        change();
        return true;
    }
}
