using Microsoft.Extensions.Time.Testing;

namespace RealtimeAdapters.InMemory.Tests.Store;

internal static class StoreTestHelpers
{
    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    public static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static (InMemoryDatabase Database, FakeTimeProvider Time) CreateDatabase()
    {
        var time = new FakeTimeProvider(Start);
        return (new InMemoryDatabase(time), time);
    }

    public static DataNode Json(string json) => DataNode.Parse(json.Replace('\'', '"'));

    /// <summary>
    /// Reads every event already queued. The database notifies synchronously under its write lock, so once a write has
    /// returned all of its events are queued: the count is exact and nothing is waited for.
    /// </summary>
    public static async Task<List<StoreEvent>> DrainAsync(this RealtimeSubscription<StoreEvent> subscription, IAsyncEnumerator<StoreEvent> reader)
    {
        var events = new List<StoreEvent>();
        for (var n = subscription.Count; n > 0; n--)
        {
            Assert.True(await reader.MoveNextAsync().AsTask().WaitAsync(WaitTimeout), "The stream ended before delivering its queued events.");
            events.Add(reader.Current);
        }

        return events;
    }

    /// <summary>A compact text form of events: <c>added b&lt;a</c> (key, previous key) or <c>value {json}</c>.</summary>
    public static string Describe(this IEnumerable<StoreEvent> events) => string.Join(" | ", events.Select(Describe));

    public static string Describe(this StoreEvent e) => e.Kind switch
    {
        StoreEventKind.Value => "value " + e.Snapshot.Node.ToJsonString().Replace('"', '\''),
        StoreEventKind.ChildRemoved => $"removed {e.Snapshot.Key}",
        _ => $"{e.Kind switch { StoreEventKind.ChildAdded => "added", StoreEventKind.ChildChanged => "changed", _ => "moved" }} {e.Snapshot.Key}<{e.PreviousChildKey ?? "-"}",
    };

    /// <summary>A watch on a database with a reader over it.</summary>
    public sealed class Watcher : IAsyncDisposable
    {
        public Watcher(InMemoryDatabase database, RealtimeQuery query, WatchOptions? options = null)
        {
            Subscription = database.Watch(query, options);
            Reader = Subscription.GetAsyncEnumerator();
        }

        public RealtimeSubscription<StoreEvent> Subscription { get; }

        public IAsyncEnumerator<StoreEvent> Reader { get; }

        public Task<List<StoreEvent>> DrainAsync() => Subscription.DrainAsync(Reader);

        public async Task<string> NextBatchAsync() => (await DrainAsync()).Describe();

        public async ValueTask DisposeAsync()
        {
            await Subscription.DisposeAsync();
            await Reader.DisposeAsync();
        }
    }
}
