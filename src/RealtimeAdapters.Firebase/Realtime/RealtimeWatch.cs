using RealtimeAdapters.Firebase.Internal;
using RealtimeAdapters.Firebase.Protocol;

namespace RealtimeAdapters.Firebase.Realtime;

/// <summary>
/// A watched (path, query) carried by a listen on the store's realtime socket. A query with a range or a limit is a
/// tagged listen (the server keeps its window and tags its pushes); any other query is a default listen of the location,
/// ordered locally. After every (re)connection the listen is sent again with the hash of the cached server value, so
/// the server can skip the data when nothing changed; what it does send is compared with the local tree, so a
/// reconnect neither repeats nor misses events.
/// </summary>
internal sealed class RealtimeWatch : FirebaseWatch
{
    private readonly RealtimeClient _client;
    private bool _started;
    private bool _awaitingAnswer;

    public RealtimeWatch(FirebaseRealtimeStore store, RealtimeClient client, RealtimeQuery query, string key, List<LocalWrite>? overlay)
        : base(store, query, key, overlay)
    {
        _client = client;
        Tag = query.HasFilter ? client.NextTag() : null;
    }

    /// <summary>The listen's tag when the server filters it (a ranged or limited query); null for a default listen.</summary>
    public long? Tag { get; }

    protected override bool Started => _started;

    public override void Start()
    {
        _started = true;
        _client.Listen(this);
    }

    protected override void Stop() => _client.Unlisten(this);

    /// <summary>Called as the listen is (re)sent: the hash of what the cache holds, and the start of the full value.</summary>
    public string BeginListen()
    {
        lock (Gate)
        {
            _awaitingAnswer = true;
            return HasInitial ? FirebaseHash.Of(ServerValue) : string.Empty;
        }
    }

    /// <summary>A push for this listen. The value at the listened location before the answer is the server's whole truth.</summary>
    public void OnPush(IReadOnlyList<ServerChange> changes)
    {
        bool full;
        lock (Gate)
        {
            full = _awaitingAnswer && changes is [{ Path.IsRoot: true, IsPriority: false }];
        }

        ApplyServer(changes, full);
    }

    /// <summary>
    /// The server accepted the listen: the cache is complete. With no data pushed the location is empty (first listen) or
    /// unchanged since the hash was taken (a reconnect).
    /// </summary>
    public void OnListening()
    {
        lock (Gate)
        {
            _awaitingAnswer = false;
        }

        ApplyServer(HasInitial ? [] : [new ServerChange(RealtimePath.Root, DataNode.Null)], full: true);
    }
}
