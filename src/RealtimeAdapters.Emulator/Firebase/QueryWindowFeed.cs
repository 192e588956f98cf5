using RealtimeAdapters.InMemory;

namespace RealtimeAdapters.Emulator.Firebase;

/// <summary>
/// Follows a query's live window on the namespace's database (<see cref="InMemoryDatabase.ObserveQuery"/>) and hands on,
/// per write that changed the window, the children that entered, changed or left it (left: <see cref="DataNode.Null"/>),
/// with the whole window. The engine maintains the window in O(log n) per changed child; a front end only turns the
/// batch into its wire form (an SSE <c>put</c>/<c>patch</c>, a WebSocket data push). The first batch, delivered before
/// <see cref="Start"/> returns, is the window at registration.
/// </summary>
internal sealed class QueryWindowFeed : IDisposable
{
    private const StoreEventKind Events = StoreEventKind.ChildAdded | StoreEventKind.ChildChanged | StoreEventKind.ChildRemoved | StoreEventKind.Value;

    private readonly Func<QueryWindowBatch, bool> _onBatch;
    private List<KeyValuePair<string, DataNode>> _changes = [];
    private IDisposable? _registration;
    private bool _initial = true;

    private QueryWindowFeed(Func<QueryWindowBatch, bool> onBatch) => _onBatch = onBatch;

    /// <summary>Starts following <paramref name="query"/>; <paramref name="onBatch"/> is called under the database's write lock and returns whether to go on.</summary>
    public static QueryWindowFeed Start(InMemoryDatabase database, RealtimeQuery query, Func<QueryWindowBatch, bool> onBatch)
    {
        ArgumentNullException.ThrowIfNull(database);
        var feed = new QueryWindowFeed(onBatch);
        feed._registration = database.ObserveQuery(query, Events, feed.OnEvent);
        return feed;
    }

    public void Dispose() => _registration?.Dispose();

    private bool OnEvent(StoreEvent e)
    {
        switch (e.Kind)
        {
            case StoreEventKind.ChildAdded:
            case StoreEventKind.ChildChanged:
                _changes.Add(new(e.Snapshot.Key!, e.Snapshot.Node));
                return true;
            case StoreEventKind.ChildRemoved:
                _changes.Add(new(e.Snapshot.Key!, DataNode.Null));
                return true;
            case StoreEventKind.Value:
                var batch = new QueryWindowBatch(e.Snapshot.Node, _changes, _initial);
                _initial = false;
                _changes = [];
                return _onBatch(batch);
            default:
                return true;
        }
    }
}
