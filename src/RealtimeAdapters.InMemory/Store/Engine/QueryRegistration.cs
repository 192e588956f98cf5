namespace RealtimeAdapters.InMemory;

/// <summary>A registration made by <see cref="InMemoryDatabase.ObserveQuery"/>; disposing it unregisters the observer.</summary>
internal sealed class QueryRegistration(InMemoryDatabase database, QueryWatch watch) : IDisposable
{
    public void Dispose() => database.RemoveWatch(watch);
}
