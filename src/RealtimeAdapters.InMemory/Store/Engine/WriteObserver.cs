namespace RealtimeAdapters.InMemory;

/// <summary>A registration made by <see cref="InMemoryDatabase.ObserveWrites(RealtimePath, Action{DatabaseWrite})"/>; disposing it unregisters the callback.</summary>
internal sealed class WriteObserver : IDisposable
{
    private readonly InMemoryDatabase _database;

    public WriteObserver(InMemoryDatabase database, ListenerNode node, Action<DatabaseWrite> callback)
    {
        _database = database;
        Node = node;
        Callback = callback;
    }

    public ListenerNode Node { get; }

    public Action<DatabaseWrite> Callback { get; }

    public bool Removed { get; set; }

    public void Dispose() => _database.RemoveObserver(this);
}
